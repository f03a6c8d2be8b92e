/**
 * POST /admin/meum/payments/:id/manual-refund {amount, network, transaction_hash, note?} — records
 * a refund the merchant already sent on-chain (Meum has no refund API), for a Meum payment of a
 * registration with `refunds: "manual"`. Medusa's refundPaymentWorkflow records it (its amount
 * check, the order's transaction and refunded total, payment.refunded) with the refund reason
 * "Meum manual refund (on-chain)"; the refund's metadata keeps the hash, network, who and when,
 * and its note says the same in a parseable form (Medusa's own order page shows notes).
 *
 * Once per transaction: under Medusa's lock on the payment, the same hash again answers the refund
 * already recorded (replayed: true) when amount and network agree, else 409 naming that refund — a
 * double click or a retried request never refunds twice.
 */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import type { MedusaContainer, PaymentDTO, RefundDTO } from "@medusajs/framework/types"
import { MathBN, MedusaError, Modules } from "@medusajs/framework/utils"
import { refundPaymentWorkflow, type RefundPaymentWorkflowInput } from "@medusajs/core-flows"
import { explorerTxUrl } from "../../../../../../lib/onchain-networks"
import { markReturnedOnChain, onChainRefundNote, type OnChainRefundRecord } from "../../../../../../lib/manual-refund-notes"
import { isMeumProviderId, meumRegistrationFor } from "../../../../../../lib/provider-registry"
import { issuesMessage, manualRefundBodySchema, paymentIdSchema, type ManualRefundBody } from "./input"
import { manualRefundReasonId } from "./refund-reason"

type PaymentWithRefunds = PaymentDTO & { refunds?: RefundDTO[]; captures?: Array<{ amount: unknown }> }

const readPayment = async (container: MedusaContainer, id: string): Promise<PaymentWithRefunds | undefined> => {
  const payments = await container.resolve(Modules.PAYMENT).listPayments({ id }, { relations: ["captures", "refunds"] })
  return payments[0] as PaymentWithRefunds | undefined
}

const onChainOf = (refund: RefundDTO): Partial<OnChainRefundRecord> => ((refund as { metadata?: Record<string, unknown> | null }).metadata ?? {}) as Partial<OnChainRefundRecord>

/** The payment's refundable facts: Meum, its registration records manual refunds. */
function assertManualRefundable(container: MedusaContainer, payment: PaymentWithRefunds) {
  if (!isMeumProviderId(payment.provider_id)) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, `Payment ${payment.id} was not paid through Meum (provider ${payment.provider_id}): record its refund with Medusa's own Refund action.`)
  }
  const registration = meumRegistrationFor(container, payment.provider_id)
  if (registration?.options.refunds !== "manual") {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `The Meum registration ${payment.provider_id} does not record manual refunds (provider option refunds is "${registration?.options.refunds ?? "unknown"}"): ` +
        `set refunds: "manual" (MEUM_REFUNDS=manual) to record refunds you send on-chain.`
    )
  }
}

const view = (refund: RefundDTO) => {
  const onChain = onChainOf(refund)
  return {
    id: refund.id,
    amount: refund.amount,
    network: onChain.meum_network ?? null,
    transaction_hash: onChain.meum_transaction_hash ?? null,
    explorer_url: explorerTxUrl(onChain.meum_network, onChain.meum_transaction_hash) ?? null,
    recorded_by: onChain.meum_recorded_by ?? null,
    recorded_at: onChain.meum_recorded_at ?? null,
    note: refund.note ?? null,
  }
}

async function record(req: AuthenticatedMedusaRequest, paymentId: string, body: ManualRefundBody) {
  const container = req.scope
  const payment = await readPayment(container, paymentId)
  if (!payment) throw new MedusaError(MedusaError.Types.NOT_FOUND, `No payment ${paymentId}`)
  assertManualRefundable(container, payment)

  const same = (payment.refunds ?? []).find((refund) => onChainOf(refund).meum_transaction_hash === body.transaction_hash)
  if (same) {
    const onChain = onChainOf(same)
    if (onChain.meum_network === body.network && MathBN.eq(same.amount, body.amount)) return { refund: view(same), replayed: true }
    return {
      conflict: `Transaction ${body.transaction_hash} is already recorded as refund ${same.id} of ${same.amount} on ${onChain.meum_network}: one transaction is one refund.`,
      refund: view(same),
    }
  }

  const recordedBy = req.auth_context?.actor_id ?? null
  const metadata: OnChainRefundRecord = {
    meum_transaction_hash: body.transaction_hash,
    meum_network: body.network,
    meum_recorded_by: recordedBy,
    meum_recorded_at: new Date().toISOString(),
  }
  const notesBefore = Array.isArray((payment.data as Record<string, unknown> | null)?.meum_manual_refunds) ? ((payment.data as Record<string, unknown[]>).meum_manual_refunds.length) : 0
  // Medusa's workflow hands its whole input to the payment module's refundPayment, whose refund
  // takes metadata (CreateRefundDTO); the workflow's input type does not list it yet.
  const input: RefundPaymentWorkflowInput & { metadata: OnChainRefundRecord } = {
    payment_id: payment.id,
    amount: body.amount,
    created_by: recordedBy ?? undefined,
    note: onChainRefundNote(body.network, body.transaction_hash, body.note),
    refund_reason_id: await manualRefundReasonId(container),
    metadata,
  }
  await refundPaymentWorkflow(container).run({ input })

  const after = await readPayment(container, payment.id)
  const created = after?.refunds?.find((refund) => onChainOf(refund).meum_transaction_hash === body.transaction_hash)
  if (!after || !created) throw new MedusaError(MedusaError.Types.UNEXPECTED_STATE, `The refund of payment ${payment.id} was recorded without its transaction: check Medusa's refund metadata.`)
  // The provider noted the refund "to return outside Meum": it is returned, by this transaction.
  const data = markReturnedOnChain(after.data as Record<string, unknown> | null, notesBefore, { refund_id: created.id, transaction_hash: body.transaction_hash, network: body.network })
  if (data) await container.resolve(Modules.PAYMENT).updatePayment({ id: payment.id, data } as never) // UpdatePaymentDTO does not list data; the module writes it
  return { refund: view(created), replayed: false }
}

export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const id = paymentIdSchema.safeParse(req.params.id)
  if (!id.success) throw new MedusaError(MedusaError.Types.INVALID_DATA, `id: ${id.error.issues[0].message}`)
  const body = manualRefundBodySchema.safeParse(req.body ?? {})
  if (!body.success) throw new MedusaError(MedusaError.Types.INVALID_DATA, issuesMessage(body.error))
  // One recording at a time per payment, in every process sharing Medusa's locking provider.
  const outcome = await req.scope
    .resolve(Modules.LOCKING)
    .execute(`meum:manual-refund:${id.data}`, () => record(req, id.data, body.data), { timeout: 15 })
  // Answered here, not thrown: Medusa's error handler replaces every CONFLICT message with a generic one.
  if ("conflict" in outcome) return void res.status(409).json({ type: "conflict", code: "meum_refund_transaction_recorded", message: outcome.conflict, refund: outcome.refund })
  res.status(outcome.replayed ? 200 : 201).json(outcome)
}
