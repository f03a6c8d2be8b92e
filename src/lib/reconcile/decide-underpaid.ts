/**
 * An underpaid invoice is terminal at Meum (no top-up), so the merchant decides:
 * - accept: capture what was received and complete the order; the shortfall stays outstanding
 *   on the order.
 * - reject: the session (and an order-first order) is cancelled. Meum has no refund API: the
 *   shopper's partial payment must be refunded outside Medusa.
 *
 * Safe to click twice and to retry: it runs under Medusa's locking module (one decision per
 * invoice at a time, across processes); each step checks whether it already happened; and the
 * decision is recorded in the ledger (who, when) only once the work is done — a failure half way
 * leaves it undecided, and the next click resumes.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { MathBN, MedusaError, Modules } from "@medusajs/framework/utils"
import { cancelOrderWorkflow, capturePaymentWorkflow, processPaymentWorkflow } from "@medusajs/core-flows"
import { isMeumProviderId, meumRegistrationFor, type MeumRegistration } from "../provider-registry"
import { readStoredSessionData } from "../session-data"
import { cartAndOrder } from "./cart-and-order"
import { isSealedAcceptance, sealAcceptedUnderpayment } from "../underpaid-decision-seal"
import { factsOfInvoice, findLedgerInvoice, ledgerOf, recordObservation } from "../ledger/ledger"
import { withCollectionLock } from "../ledger/collection-lock"
import { moneyArrivedFor } from "../ledger/money-arrived"

export type UnderpaidDecision = "accept" | "reject"

export interface UnderpaidDecisionResult {
  decision: UnderpaidDecision
  paid_amount: string
  shortfall: string
  order_id?: string
  message: string
}

const DECIDED = { accept: "accepted", reject: "rejected" } as const

export async function decideUnderpaid(
  container: MedusaContainer,
  sessionId: string,
  decision: UnderpaidDecision,
  decidedBy?: string
): Promise<UnderpaidDecisionResult> {
  const payment = container.resolve(Modules.PAYMENT)
  const [found] = (await payment.listPaymentSessions({ id: sessionId })) as any[]
  if (!found || !isMeumProviderId(found.provider_id)) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `No Meum payment session ${sessionId}`)
  }
  // The session's own registration: its account holds the invoice, its key seals the decision
  // (the provider pp_meum_<id> checks the seal with its own options).
  const registered = meumRegistrationFor(container, found.provider_id)
  if (!registered) throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `The Meum payment provider ${found.provider_id} is not configured`)
  const invoiceId = readStoredSessionData(found.data)?.invoice_id
  if (!invoiceId) throw new MedusaError(MedusaError.Types.NOT_FOUND, `Payment session ${sessionId} has no Meum invoice`)

  // The same lock as every reconcile of this collection: a webhook or the job cannot write the
  // ledger row in between.
  return withCollectionLock(container, found.payment_collection_id, invoiceId, () => decideLocked(container, registered, sessionId, invoiceId, decision, decidedBy))
}

async function decideLocked(
  container: MedusaContainer,
  registered: MeumRegistration,
  sessionId: string,
  invoiceId: string,
  decision: UnderpaidDecision,
  decidedBy: string | undefined
): Promise<UnderpaidDecisionResult> {
  const payment = container.resolve(Modules.PAYMENT)
  const known = await findLedgerInvoice(container, invoiceId)
  if (known?.decision) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `The underpayment was already ${known.decision}`)
  }
  const [session] = (await payment.listPaymentSessions({ id: sessionId }, { relations: ["payment", "payment.captures"] })) as any[]
  const stored = readStoredSessionData(session.data)!
  const invoice = await registered.client.getInvoice(invoiceId)
  if (invoice.status !== "underpaid" || !invoice.paid_amount) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Meum invoice ${invoice.id} is ${invoice.status}, not underpaid`)
  }
  const paid = invoice.paid_amount
  const shortfall = MathBN.sub(stored.amount, paid).toString()
  const facts = factsOfInvoice(invoice, session.provider_id)

  if (decision === "accept") {
    // 1. Seal the acceptance into the session so authorizePayment answers `authorized`.
    const sealed = isSealedAcceptance(session.data, { sessionId: session.id, invoiceId: invoice.id, paidAmount: paid }, registered.options.apiKey)
    if (!sealed) {
      const data = {
        ...session.data,
        paid_amount: paid,
        meum_shortfall: shortfall,
        ...sealAcceptedUnderpayment({ sessionId: session.id, invoiceId: invoice.id, paidAmount: paid }, registered.options.apiKey),
      }
      await payment.updatePaymentSession({ id: session.id, data, amount: session.amount, currency_code: session.currency_code })
    }
    // 2. Authorize (completes the cart / gives an order-first order its Payment) — once.
    if (!session.payment) {
      await processPaymentWorkflow(container).run({
        input: { action: "authorized", data: { session_id: session.id, amount: Number(paid) } },
      })
    }
    const [after] = (await payment.listPaymentSessions({ id: session.id }, { relations: ["payment", "payment.captures"] })) as any[]
    if (!after?.payment) throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "The accepted payment could not be recorded yet: try again")
    // 3. Capture what was received — once.
    if (!after.payment.captures?.length) {
      await capturePaymentWorkflow(container).run({ input: { payment_id: after.payment.id, amount: paid } })
    }
    const orderId = (await cartAndOrder(container, session.payment_collection_id)).orderId
    await recordDecision(container, facts, "accepted", decidedBy, { kind: "captured", orderPlaced: true }, orderId)
    return {
      decision,
      paid_amount: paid,
      shortfall,
      order_id: orderId,
      message: `Accepted ${paid} ${stored.currency}; the shortfall of ${shortfall} ${stored.currency} stays outstanding on the order.`,
    }
  }

  if (session.status !== "canceled") {
    const data = { ...session.data, paid_amount: paid, meum_shortfall: shortfall, meum_underpaid_decision: DECIDED.reject }
    await payment.updatePaymentSession({ id: session.id, data, amount: session.amount, currency_code: session.currency_code, status: "canceled" })
  }
  const { cartId, orderId } = await cartAndOrder(container, session.payment_collection_id)
  // Another payment of the order may have arrived (invariant 13): then the order is kept.
  const keptBecause = orderId ? await moneyArrivedFor(container, orderId, cartId, invoice.id) : undefined
  if (orderId && !keptBecause) {
    const query = container.resolve("query") as any
    const { data: orders } = await query.graph({ entity: "order", fields: ["id", "status"], filters: { id: orderId } })
    if (orders[0]?.status !== "canceled") await cancelOrderWorkflow(container).run({ input: { order_id: orderId } })
  }
  await recordDecision(container, facts, "rejected", decidedBy, { kind: "merchant_resolved" }, orderId)
  const refund = `Meum has no refund API: refund the shopper's ${paid} ${stored.currency} outside Medusa.`
  return {
    decision,
    paid_amount: paid,
    shortfall,
    order_id: orderId,
    message: keptBecause ? `Rejected. Order ${orderId} was NOT cancelled: ${keptBecause}. ${refund}` : `Rejected. ${refund}`,
  }
}

async function recordDecision(
  container: MedusaContainer,
  facts: ReturnType<typeof factsOfInvoice>,
  decision: string,
  decidedBy: string | undefined,
  observation: Parameters<typeof recordObservation>[2],
  orderId?: string
): Promise<void> {
  const { row } = await recordObservation(container, { ...facts, ...(orderId ? { orderId } : {}) }, observation)
  await ledgerOf(container).updateMeumInvoices({ id: row.id, decision, decided_by: decidedBy ?? null, decided_at: new Date() })
}
