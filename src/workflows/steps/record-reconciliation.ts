/**
 * Records what the run did as ONE ledger transition (through the ledger service's state machine)
 * and turns it into the run's outcome. A completion that did not produce an order is a failure the
 * ledger counts; the workflow reports it (`error`) and the caller answers 5xx / retries later.
 */
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import type { Invoice } from "../../lib/meum/schemas"
import { invoicePhase } from "../../lib/meum/status-table"
import { MEUM_LEDGER_MODULE } from "../../modules/meum-ledger"
import type MeumLedgerService from "../../modules/meum-ledger/service"
import { factsOfInvoice, failureObservation, type Decision, type MerchantAction, type Observation } from "../../modules/meum-ledger/decide"
import type { ReconcileOutcome } from "../reconcile-meum-session"
import { orderOfCart, type LoadedFacts, type LocatedInvoice } from "./reconcile-inputs"
import { retireDuplicatePaymentRecords, type AdoptedInvoice } from "./adopt-paid-invoice"

export interface RecordInput {
  located: LocatedInvoice
  invoice?: Invoice
  notFound?: boolean
  facts: LoadedFacts
  decision: Decision
  /** The session the capture branch worked on (the located one, or the one that adopted the invoice). */
  captureTarget?: { sessionId: string; cartId?: string; paymentCollectionId?: string }
  completion?: { error?: string }
  adopted?: AdoptedInvoice
  cancelled?: { error?: string }
  refreshed?: { sessionStatus?: string }
  cancelledAtMeum?: { invoice?: Invoice }
  underpayment?: { paidAmount: string; shortfall: string; currency: string }
  merchant?: { action: MerchantAction; by?: string; note?: string }
  now?: number
}

export interface RecordResult {
  outcome: ReconcileOutcome
  /** Set when the decided action failed in a way the caller must retry (5xx to Meum, the job's backoff). */
  error?: string
  /** Set when the merchant asked for something that does not apply (answered 400, nothing changed). */
  refused?: string
}

/**
 * Did the capture branch place the order? `cartId` is the cart of the session's payment collection
 * as the run already read it (a session never changes collection): only its order is read again,
 * at the same time as the session.
 */
async function placed(container: MedusaContainer, sessionId: string, cartId: string | undefined): Promise<{ captured: boolean; cartId?: string; orderId?: string }> {
  const [[session], orderId] = await Promise.all([
    container.resolve(Modules.PAYMENT).listPaymentSessions({ id: sessionId }, { relations: ["payment", "payment.captures"] }) as unknown as Promise<
      Array<{ payment?: { captured_at?: Date | string | null; captures?: unknown[] | null } | null }>
    >,
    cartId ? orderOfCart(container, cartId) : Promise.resolve(undefined),
  ])
  if (!session) return { captured: false }
  // An accepted underpayment captures only what was received: a capture, not a fully captured payment.
  const captured = Boolean(session.payment?.captured_at) || Boolean(session.payment?.captures?.length)
  return { captured, ...(cartId ? { cartId, orderId } : {}) }
}

export const recordReconciliationStep = createStep("record-meum-reconciliation", async (input: RecordInput, { container: scope }) => {
  const container = scope as unknown as MedusaContainer
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const ledger = container.resolve(MEUM_LEDGER_MODULE) as MeumLedgerService
  const { decision, located, invoice, facts } = input
  const action = decision.action
  const done = (outcome: ReconcileOutcome, error?: string) => new StepResponse<RecordResult>({ outcome, ...(error ? { error } : {}) })
  if (action.kind === "hold") return done({ outcome: "skipped", reason: action.reason })
  if (action.kind === "refuse") return new StepResponse<RecordResult>({ outcome: { outcome: "skipped", reason: action.reason }, refused: action.reason })
  const now = input.now ?? Date.now()
  const merchantDecision = (decision: string) => ({ decision, by: input.merchant?.by ?? null, at: new Date(now), note: input.merchant?.note ?? null })
  if (input.merchant?.action === "resolve") {
    if (action.kind === "nothing") return done({ outcome: "decided", decision: "resolved", already: true })
    const row = facts.row!
    await ledger.recordObservation({ invoiceId: row.invoice_id, providerId: row.provider_id, decision: merchantDecision("resolved") }, decision.observation!, now)
    return done({ outcome: "decided", decision: "resolved" })
  }

  if (!invoice) {
    // Meum does not know it (404): a known row is closed, nothing else is learned.
    if (facts.row && located.invoiceId) await ledger.recordObservation({ invoiceId: located.invoiceId, providerId: facts.row.provider_id }, { kind: "dead" }, input.now)
    return done({ outcome: "skipped", reason: `invoice ${located.invoiceId} is unknown to Meum` })
  }

  let observation: Observation = decision.observation!
  let outcome: ReconcileOutcome
  let error: string | undefined
  let orderId = facts.medusa?.order?.id
  let invoiceAfter: Invoice = invoice
  const status = invoice.status

  switch (action.kind) {
    case "capture_and_complete":
    case "accept_underpaid":
    case "adopt": {
      if (action.kind === "adopt" && !input.adopted?.sessionId) {
        observation = { kind: "paid_without_order" }
        outcome = { outcome: "skipped", reason: `orphaned paid invoice: ${input.adopted?.reason ?? "not adopted"}` }
        break
      }
      const target = input.captureTarget!
      const after = await placed(container, target.sessionId, target.cartId)
      orderId = after.orderId
      if (!after.captured || (after.cartId && !after.orderId)) {
        error = !after.captured
          ? `Meum session ${target.sessionId}: the payment was not captured`
          : `Meum session ${target.sessionId}: paid, but the order was not created yet${input.completion?.error ? ` (${input.completion.error})` : ""}`
        observation = failureObservation(action, error)
        outcome = { outcome: "skipped", reason: error }
        break
      }
      if (action.kind === "adopt" && input.adopted?.paymentCollectionId) {
        const retired = await retireDuplicatePaymentRecords(container, input.adopted.paymentCollectionId, invoice.id, target.sessionId)
        if (retired.length) logger.warn(`Meum invoice ${invoice.id}: cancelled the duplicate payment record(s) ${retired.join(", ")} of the replaced session`)
      }
      outcome =
        action.kind === "accept_underpaid"
          ? { outcome: "decided", decision: "accepted", orderId, ...input.underpayment }
          : { outcome: "captured", duplicate: false, orderId }
      break
    }
    case "reject_underpaid":
      if (input.cancelled?.error) {
        error = `the order ${action.cancelOrderId} could not be cancelled: ${input.cancelled.error}`
        outcome = { outcome: "skipped", reason: error }
        break
      }
      outcome = {
        outcome: "decided",
        decision: "rejected",
        orderId,
        ...input.underpayment,
        ...(orderId && !action.cancelOrderId && facts.medusa?.moneyArrivedElsewhere ? { orderKeptBecause: facts.medusa.moneyArrivedElsewhere } : {}),
      }
      break
    case "cancel_order":
      if (input.cancelled?.error) {
        observation = failureObservation(action, input.cancelled.error)
        outcome = { outcome: "order_cancel_failed", invoiceStatus: status, orderId: action.orderId, error: input.cancelled.error }
      } else {
        outcome = { outcome: "order_canceled", invoiceStatus: status, orderId: action.orderId }
      }
      break
    case "cancel_at_meum": {
      const after = input.cancelledAtMeum?.invoice
      // Whatever Meum says now decides: cancelled → closed, paid or underpaid → the merchant, still open → try again later.
      observation = !after ? { kind: "dead" } : orphanedObservation(after.status)
      // Order-first, past the invoice's lifetime: its order waits out the grace period.
      if (decision.observation?.kind === "grace" && (!after || invoicePhase(after.status) === "dead")) observation = decision.observation
      outcome = { outcome: "abandoned_settled", cancelled: after?.status === "cancelled", ...(after ? { invoiceStatus: after.status } : {}) }
      if (after) invoiceAfter = after
      break
    }
    case "refresh_session":
    case "nothing":
    case "resolve": // recorded above
      outcome = outcomeOf(decision, status, input, orderId)
      break
  }

  // A merchant's decision is recorded with the transition only once it was carried out.
  const decided = !error && outcome.outcome === "decided" ? { decision: merchantDecision(outcome.decision) } : {}
  if (error && (action.kind === "accept_underpaid" || action.kind === "reject_underpaid")) {
    // Half done: left undecided, the next click resumes (each step finds what it already did).
    return done(outcome, error)
  }
  // The decision's own transition when the action did what it planned; else the machine's for what happened.
  const planned = observation === decision.observation ? decision.next : undefined
  const recorded = await ledger.recordObservation({ ...factsOfInvoice(invoiceAfter, located.providerId ?? facts.row?.provider_id ?? ""), ...(orderId ? { orderId } : {}), ...decided }, observation, now, planned)
  if (!recorded.allowed) logger.warn(`Meum ledger: invoice ${invoice.id} stays ${recorded.previous} (${observation.kind} would make it ${recorded.transition.state})`)
  if (recorded.changed && recorded.row.attention_reason === "completion_failing") {
    logger.error(`Meum invoice ${invoice.id} is PAID but its order could not be placed after ${recorded.row.attempts} attempts (${error}): it needs the merchant (admin → Meum)`)
  } else if (outcome.outcome === "order_cancel_failed") {
    if (recorded.row.state === "needs_attention") {
      logger.error(`Meum invoice ${invoice.id} is ${status}, but its order ${outcome.orderId} could not be cancelled after ${recorded.row.attempts} attempts (${outcome.error}): it needs the merchant (admin → Meum)`)
    } else {
      logger.warn(`Meum: cancelling order ${outcome.orderId} of ${status} invoice ${invoice.id} failed (attempt ${recorded.row.attempts}), will retry: ${outcome.error}`)
    }
  } else if (outcome.outcome === "order_kept") {
    logger.error(`Meum invoice ${invoice.id} is ${status}, but not cancelling order ${outcome.orderId}: ${outcome.reason}. It needs the merchant (admin → Meum)`)
  }
  return done(outcome, error)
})

/** What an invoice its session no longer holds tells the ledger, by its phase. */
function orphanedObservation(status: Invoice["status"]): Observation {
  switch (invoicePhase(status)) {
    case "open":
      return { kind: "abandoned" }
    case "paid":
      return { kind: "paid_without_order" }
    case "unknown":
      return { kind: "unknown_status" }
    case "underpaid":
      return { kind: "underpaid" }
    default:
      return { kind: "dead" }
  }
}

function outcomeOf(decision: Decision, status: Invoice["status"], input: RecordInput, orderId: string | undefined): ReconcileOutcome {
  const observation = decision.observation!
  const duplicate = decision.action.kind === "nothing" && decision.action.duplicate
  if (!input.facts.medusa?.heldBySession) {
    return { outcome: "skipped", reason: `invoice ${input.invoice!.id} is not the session's invoice and is not paid` }
  }
  switch (observation.kind) {
    case "open":
      return { outcome: "open", invoiceStatus: status }
    case "unknown_status":
      return { outcome: "unknown_status", reportedStatus: input.invoice!.reported_status ?? null }
    case "grace":
      return { outcome: "awaiting_grace", invoiceStatus: status, orderId: orderId!, remainingMs: observation.remainingMs }
    case "captured":
      return status === "paid" ? { outcome: "captured", duplicate: true, orderId } : { outcome: "updated", duplicate, invoiceStatus: status, sessionStatus: input.refreshed?.sessionStatus ?? input.facts.medusa.sessionStatus ?? "" }
    case "amount_mismatch":
      return { outcome: "mismatch", invoiceStatus: status }
    case "order_paid_not_cancelled":
      return { outcome: "order_kept", invoiceStatus: status, orderId: orderId!, reason: input.facts.medusa.moneyArrivedElsewhere ?? "its money arrived" }
    case "paid_without_order":
      return { outcome: "skipped", reason: `invoice ${input.invoice!.id} is paid but its order ${orderId ?? ""} was cancelled` }
    default: {
      if (decision.action.kind === "refresh_session") return { outcome: "updated", duplicate: false, invoiceStatus: status, sessionStatus: input.refreshed?.sessionStatus ?? decision.action.sessionStatus }
      if (input.facts.medusa.order?.status === "canceled" && input.facts.medusa.mode === "order_first") return { outcome: "order_canceled", invoiceStatus: status, orderId: orderId! }
      return { outcome: "updated", duplicate, invoiceStatus: status, sessionStatus: input.facts.medusa.sessionStatus ?? "" }
    }
  }
}
