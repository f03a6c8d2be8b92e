/**
 * The merchant's decision on an underpaid invoice (Meum has no top-up: underpaid is final), written
 * into the session before the workflow acts on it:
 * - accept: a seal of exactly this session, invoice and received amount, signed with the account's
 *   key, so the provider's authorize answers `authorized` (a shopper cannot forge it in session data);
 * - reject: the session is cancelled, with what was received and the shortfall for the refund.
 * Both are idempotent: a retried decision finds them done.
 */
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { MathBN, Modules } from "@medusajs/framework/utils"
import type { Invoice } from "../../lib/meum/invoice"
import { meumRegistrationFor } from "../../lib/provider-registry"
import { isSealedAcceptance, sealAcceptedUnderpayment, UNDERPAID_DECISION_FIELD } from "../../lib/underpaid-decision-seal"

interface SessionRow {
  id: string
  status: string
  provider_id: string
  amount: number
  currency_code: string
  data: Record<string, unknown>
}

export const settleUnderpaymentStep = createStep(
  "settle-meum-underpayment",
  async ({ sessionId, invoice, decision }: { sessionId: string; invoice: Invoice; decision: "accept" | "reject" }, { container }) => {
    const payment = container.resolve(Modules.PAYMENT)
    const [session] = (await payment.listPaymentSessions({ id: sessionId })) as unknown as SessionRow[]
    const paid = invoice.paid_amount ?? "0"
    // From the session's amount column, which only Medusa writes: session data is shopper-writable.
    const shortfall = MathBN.sub(session.amount, paid).toString()
    const registration = meumRegistrationFor(container, session.provider_id)!
    const accepted = { sessionId: session.id, invoiceId: invoice.id, paidAmount: paid }
    if (decision === "accept" && !isSealedAcceptance(session.data, accepted, registration.options.apiKey)) {
      const data = { ...session.data, paid_amount: paid, meum_shortfall: shortfall, ...sealAcceptedUnderpayment(accepted, registration.options.apiKey) }
      await payment.updatePaymentSession({ id: session.id, data, amount: session.amount, currency_code: session.currency_code })
    }
    if (decision === "reject" && session.status !== "canceled") {
      const data = { ...session.data, paid_amount: paid, meum_shortfall: shortfall, [UNDERPAID_DECISION_FIELD]: "rejected" }
      await payment.updatePaymentSession({ id: session.id, data, amount: session.amount, currency_code: session.currency_code, status: "canceled" })
    }
    return new StepResponse({ paidAmount: paid, shortfall, currency: session.currency_code.toUpperCase() })
  }
)
