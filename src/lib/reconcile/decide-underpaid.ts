/**
 * An underpaid invoice is terminal at Meum (no top-up), so the merchant decides:
 * - accept: capture what was received and complete the order; the shortfall is recorded on the
 *   session/payment data (`meum_shortfall`) and shows as an outstanding amount on the order.
 * - reject: the session (and an order-first order) is cancelled. Meum has no refund API: the
 *   shopper's partial payment must be refunded outside Medusa.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { MathBN, MedusaError, Modules } from "@medusajs/framework/utils"
import { cancelOrderWorkflow, capturePaymentWorkflow, processPaymentWorkflow } from "@medusajs/core-flows"
import { getMeumProvider, isMeumProviderId } from "../provider-registry"
import { readStoredSessionData } from "../../providers/meum/session-data"
import { cartAndOrder } from "./cart-and-order"
import { sealAcceptedUnderpayment } from "../underpaid-decision-seal"

export type UnderpaidDecision = "accept" | "reject"

export interface UnderpaidDecisionResult {
  decision: UnderpaidDecision
  paid_amount: string
  shortfall: string
  order_id?: string
  message: string
}

export async function decideUnderpaid(
  container: MedusaContainer,
  sessionId: string,
  decision: UnderpaidDecision
): Promise<UnderpaidDecisionResult> {
  const registered = getMeumProvider()
  if (!registered) throw new MedusaError(MedusaError.Types.UNEXPECTED_STATE, "The Meum payment provider is not configured")
  const payment = container.resolve(Modules.PAYMENT)
  const [session] = (await payment.listPaymentSessions({ id: sessionId })) as any[]
  if (!session || !isMeumProviderId(session.provider_id)) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `No Meum payment session ${sessionId}`)
  }
  const stored = readStoredSessionData(session.data)
  if (!stored) throw new MedusaError(MedusaError.Types.NOT_FOUND, `Payment session ${sessionId} has no Meum invoice`)
  if (session.data?.meum_underpaid_decision) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `The underpayment was already ${session.data.meum_underpaid_decision}`)
  }
  const invoice = await registered.client.getInvoice(stored.invoice_id)
  if (invoice.status !== "underpaid" || !invoice.paid_amount) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Meum invoice ${invoice.id} is ${invoice.status}, not underpaid`)
  }
  const paid = invoice.paid_amount
  const shortfall = MathBN.sub(stored.amount, paid).toString()
  const data = {
    ...session.data,
    paid_amount: paid,
    meum_shortfall: shortfall,
    ...(decision === "accept"
      ? sealAcceptedUnderpayment({ sessionId: session.id, invoiceId: invoice.id, paidAmount: paid }, registered.options.apiKey)
      : { meum_underpaid_decision: "rejected" }),
    meum_underpaid_decided_at: new Date().toISOString(),
  }

  if (decision === "accept") {
    await payment.updatePaymentSession({ id: session.id, data, amount: session.amount, currency_code: session.currency_code })
    // authorizePayment now answers `authorized` (see the provider): the cart completes (or an
    // order-first order gets its Payment) and what was received is captured.
    await processPaymentWorkflow(container).run({
      input: { action: "authorized", data: { session_id: session.id, amount: Number(paid) } },
    })
    const [after] = (await payment.listPaymentSessions({ id: session.id }, { relations: ["payment"] })) as any[]
    if (!after?.payment) throw new MedusaError(MedusaError.Types.UNEXPECTED_STATE, "The accepted payment could not be recorded")
    await capturePaymentWorkflow(container).run({ input: { payment_id: after.payment.id, amount: paid } })
    return {
      decision,
      paid_amount: paid,
      shortfall,
      order_id: (await cartAndOrder(container, session.payment_collection_id)).orderId,
      message: `Accepted ${paid} ${stored.currency}; the shortfall of ${shortfall} ${stored.currency} stays outstanding on the order.`,
    }
  }

  await payment.updatePaymentSession({ id: session.id, data, amount: session.amount, currency_code: session.currency_code, status: "canceled" })
  const orderId = (await cartAndOrder(container, session.payment_collection_id)).orderId
  if (orderId) await cancelOrderWorkflow(container).run({ input: { order_id: orderId } })
  return {
    decision,
    paid_amount: paid,
    shortfall,
    order_id: orderId,
    message: `Rejected. Meum has no refund API: refund the shopper's ${paid} ${stored.currency} outside Medusa.`,
  }
}
