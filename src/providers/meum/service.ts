// Placeholder wired as pp_meum_meum so the harness can prove registration; the provider issue
// fills in every method.
import { AbstractPaymentProvider, MedusaError } from "@medusajs/framework/utils"
import type {
  AuthorizePaymentInput,
  AuthorizePaymentOutput,
  CancelPaymentInput,
  CancelPaymentOutput,
  CapturePaymentInput,
  CapturePaymentOutput,
  DeletePaymentInput,
  DeletePaymentOutput,
  GetPaymentStatusInput,
  GetPaymentStatusOutput,
  InitiatePaymentInput,
  InitiatePaymentOutput,
  ProviderWebhookPayload,
  RefundPaymentInput,
  RefundPaymentOutput,
  RetrievePaymentInput,
  RetrievePaymentOutput,
  UpdatePaymentInput,
  UpdatePaymentOutput,
  WebhookActionResult,
} from "@medusajs/framework/types"

const notYet = (): never => {
  throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "The Meum provider is not implemented yet")
}

export class MeumPaymentProviderService extends AbstractPaymentProvider<Record<string, unknown>> {
  static identifier = "meum"

  async initiatePayment(_input: InitiatePaymentInput): Promise<InitiatePaymentOutput> {
    return notYet()
  }
  async authorizePayment(_input: AuthorizePaymentInput): Promise<AuthorizePaymentOutput> {
    return notYet()
  }
  async capturePayment(_input: CapturePaymentInput): Promise<CapturePaymentOutput> {
    return notYet()
  }
  async cancelPayment(_input: CancelPaymentInput): Promise<CancelPaymentOutput> {
    return notYet()
  }
  async deletePayment(_input: DeletePaymentInput): Promise<DeletePaymentOutput> {
    return notYet()
  }
  async getPaymentStatus(_input: GetPaymentStatusInput): Promise<GetPaymentStatusOutput> {
    return notYet()
  }
  async refundPayment(_input: RefundPaymentInput): Promise<RefundPaymentOutput> {
    return notYet()
  }
  async retrievePayment(_input: RetrievePaymentInput): Promise<RetrievePaymentOutput> {
    return notYet()
  }
  async updatePayment(_input: UpdatePaymentInput): Promise<UpdatePaymentOutput> {
    return notYet()
  }
  async getWebhookActionAndData(
    _payload: ProviderWebhookPayload["payload"]
  ): Promise<WebhookActionResult> {
    return { action: "not_supported" }
  }
}
