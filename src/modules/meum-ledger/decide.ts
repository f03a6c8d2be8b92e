/**
 * THE reconciliation decision: given the ledger row of an invoice, the invoice as Meum reports it
 * and the Medusa facts that matter, what to do and where the row goes. The workflow
 * (src/workflows/reconcile-meum-session.ts) gathers the inputs, asks this function once, runs the
 * action and records the transition it names — it decides nothing itself. Pure: no Medusa import,
 * no clock, no I/O; the decision table test walks every cell.
 *
 * In this file, in order: the state machine (the ledger's states, the transitions allowed between
 * them, what each observation leads to), then the decision. When a delivery or an invoice is
 * settled is in ./settled.ts; what an invoice says about where it belongs, in the service.
 */
import { invoicePhase, sessionStatusForInvoice, type CheckoutMode, type ReadInvoiceStatus, type SessionStatus } from "../../lib/meum/invoice"

// ─── The state machine ───
/**
 * THE reconciliation state machine of a Meum invoice in the ledger: its states, the transitions
 * allowed between them, and what each observation of Meum / Medusa leads to. Every adapter (the
 * webhook route, the job, admin actions) records its observation through `nextLedgerState` and
 * the ledger service refuses a transition this table does not allow. README prints the same table.
 *
 *   open ──paid as asked──▶ paid ──order placed──▶ completed
 *     │                      │
 *     │                      └─completion keeps failing (N attempts)──▶ needs_attention
 *     ├─underpaid / amount mismatch / unknown status──▶ needs_attention ──merchant resolves──▶ resolved
 *   needs_attention (underpaid) ──merchant refuses──▶ needs_attention (refund_due) ──refund marked done──▶ resolved
 *     ├─expired / cancelled / failed──▶ closed
 *     └─session deleted, invoice still open──▶ abandoned ──cancelled at Meum──▶ closed
 *   closed / abandoned ──paid late, no order can take it──▶ needs_attention (paid_after_closing)
 *   completed ──refunded at Meum──▶ needs_attention (money moved after the order: tell the merchant)
 *   order-first, dead invoice past its grace:
 *     open ──the order's money arrived (captured / paid invoice of its cart)──▶ needs_attention (never cancelled)
 *     open ──cancelling the order keeps failing (N attempts)──▶ needs_attention
 *
 */
export const LEDGER_STATES = ["open", "paid", "completed", "needs_attention", "resolved", "closed", "abandoned"] as const
export type LedgerState = (typeof LEDGER_STATES)[number]

/** Why an invoice needs the merchant (shown in admin). */
export const ATTENTION_REASONS = [
  "underpaid",
  "amount_mismatch",
  "completion_failing",
  "refunded_after_capture",
  "unknown_status",
  "paid_without_order",
  /**
   * Late money: paid after the invoice expired, was cancelled or was replaced (the wallet sent
   * before the deadline, the confirmations came after), and no order could take it — the cart
   * changed, was ordered with another invoice, or its order was cancelled. Refund or fulfil by hand.
   */
  "paid_after_closing",
  /**
   * The merchant refused an underpayment: the shopper is owed a refund, done outside Meum (which has
   * none). The cart is not payable again until the merchant marks the refund done (resolved).
   */
  "refund_due",
  /** Order-first: its invoice died, but the order's money arrived another way: the plugin does not cancel it. */
  "order_paid_not_cancelled",
  /** Order-first: Medusa kept refusing to cancel the order of a dead invoice (e.g. fulfilled, completed). */
  "order_cancel_failing",
] as const
export type AttentionReason = (typeof ATTENTION_REASONS)[number]

/** Attention reasons of an invoice whose money (all or part) reached the merchant's wallet. */
export const MONEY_ARRIVED_REASONS: readonly AttentionReason[] = ["underpaid", "amount_mismatch", "completion_failing", "paid_without_order", "paid_after_closing"]

export const ALLOWED_TRANSITIONS: Record<LedgerState, readonly LedgerState[]> = {
  open: ["open", "paid", "completed", "needs_attention", "closed", "abandoned"],
  paid: ["paid", "completed", "needs_attention"],
  completed: ["completed", "needs_attention"],
  needs_attention: ["needs_attention", "paid", "completed", "resolved", "closed"],
  resolved: ["resolved"],
  closed: ["closed", "needs_attention", "paid", "completed"],
  abandoned: ["abandoned", "open", "closed", "paid", "completed", "needs_attention", "resolved"],
}

export const isAllowedTransition = (from: LedgerState, to: LedgerState): boolean => ALLOWED_TRANSITIONS[from].includes(to)

/** States the job still has work for (they get a next_check_at); the others are done. */
export const ACTIVE_STATES: readonly LedgerState[] = ["open", "paid", "abandoned"]

/** What one reconcile run observed, in plain words. */
export type Observation =
  | { kind: "open" }
  | { kind: "captured"; orderPlaced: boolean }
  | { kind: "completion_failed"; error: string }
  | { kind: "underpaid" }
  | { kind: "amount_mismatch" }
  | { kind: "dead" } // expired, cancelled, failed
  | { kind: "refunded"; wasCaptured: boolean }
  | { kind: "unknown_status" }
  | { kind: "abandoned" }
  /** An invoice thought abandoned turns out to be held by a live session after all. */
  | { kind: "held_again" }
  /** Order-first: dead at Meum, its order is cancelled once the grace period ends in `remainingMs`. */
  | { kind: "grace"; remainingMs: number }
  /** Order-first: dead at Meum, but its order's money arrived (a captured payment, a paid invoice of the cart). */
  | { kind: "order_paid_not_cancelled" }
  /** Order-first: cancelling the order of a dead invoice failed. */
  | { kind: "order_cancel_failed"; error: string }
  | { kind: "merchant_resolved" }
  /** The merchant refused an underpayment: a refund is owed before the cart may be paid again. */
  | { kind: "underpayment_refused" }
  /** Paid, but no live session of its cart could take it (adoption refused): the merchant decides. */
  | { kind: "paid_without_order" }
  /** Meum or the database failed while looking: nothing learned, look again soon. */
  | { kind: "check_failed"; error: string }

export interface LedgerPosition {
  state: LedgerState
  attempts: number
}

export interface Transition {
  state: LedgerState
  attempts: number
  reason?: AttentionReason
  /** When the job should look again (null: nothing due). */
  nextCheckInMs: number | null
}

export interface MachineSettings {
  /** Completion (and order-first cancellation) attempts before the invoice is raised for the merchant (default 5). */
  maxCompletionAttempts: number
  /** First look at an open invoice after this long (default 10 min); doubles per look… */
  openRecheckMs: number
  /** …up to this (default 6 h). */
  maxOpenRecheckMs: number
  /** First retry delay after a failure; doubles per attempt up to maxBackoffMs. */
  baseBackoffMs: number
  maxBackoffMs: number
}

export const DEFAULT_MACHINE_SETTINGS: MachineSettings = {
  maxCompletionAttempts: 5,
  openRecheckMs: 10 * 60_000,
  maxOpenRecheckMs: 6 * 3_600_000,
  baseBackoffMs: 30_000,
  maxBackoffMs: 30 * 60_000,
}

export const backoffMs = (attempts: number, settings: MachineSettings): number =>
  Math.min(settings.maxBackoffMs, settings.baseBackoffMs * 2 ** Math.max(0, attempts - 1))

/** Completion attempts so far (an open invoice's `attempts` counts looks, not completions). */
const paidAttempts = (current: LedgerPosition): number => (current.state === "paid" || current.state === "needs_attention" ? current.attempts : 0)

/** The next position for an observation. Pure and total: every observation has an answer. */
export function nextLedgerState(current: LedgerPosition, observation: Observation, settings: MachineSettings = DEFAULT_MACHINE_SETTINGS): Transition {
  switch (observation.kind) {
    case "open": {
      // Webhooks tell us about open invoices; the job's look is a safety net that backs off the
      // longer an invoice stays open (attempts counts the looks), so abandoned checkouts cost little.
      const looks = current.state === "open" ? current.attempts + 1 : 1
      return {
        state: current.state === "abandoned" ? "abandoned" : "open",
        attempts: looks,
        nextCheckInMs: Math.min(settings.maxOpenRecheckMs, settings.openRecheckMs * 2 ** (looks - 1)),
      }
    }
    case "check_failed":
      return { state: current.state, attempts: current.attempts, nextCheckInMs: backoffMs(current.attempts + 1, settings) }
    case "captured":
      return observation.orderPlaced
        ? { state: "completed", attempts: 0, nextCheckInMs: null }
        : { state: "paid", attempts: paidAttempts(current), nextCheckInMs: backoffMs(paidAttempts(current) + 1, settings) }
    case "completion_failed": {
      const attempts = paidAttempts(current) + 1
      return attempts >= settings.maxCompletionAttempts
        ? { state: "needs_attention", attempts, reason: "completion_failing", nextCheckInMs: null }
        : { state: "paid", attempts, nextCheckInMs: backoffMs(attempts, settings) }
    }
    case "underpaid":
      return { state: "needs_attention", attempts: current.attempts, reason: "underpaid", nextCheckInMs: null }
    case "amount_mismatch":
      return { state: "needs_attention", attempts: current.attempts, reason: "amount_mismatch", nextCheckInMs: null }
    case "dead":
      return { state: "closed", attempts: current.attempts, nextCheckInMs: null }
    case "refunded":
      return observation.wasCaptured
        ? { state: "needs_attention", attempts: current.attempts, reason: "refunded_after_capture", nextCheckInMs: null }
        : { state: "closed", attempts: current.attempts, nextCheckInMs: null }
    case "unknown_status":
      return { state: "needs_attention", attempts: current.attempts, reason: "unknown_status", nextCheckInMs: settings.openRecheckMs }
    case "grace":
      // The invoice is dead: its looks no longer matter, attempts now count the order's cancellations.
      return { state: "open", attempts: 0, nextCheckInMs: Math.max(0, observation.remainingMs) }
    case "order_paid_not_cancelled":
      return { state: "needs_attention", attempts: current.attempts, reason: "order_paid_not_cancelled", nextCheckInMs: null }
    case "order_cancel_failed": {
      // Same count and backoff as a failing completion. An invoice first seen dead after its grace
      // still carries its looks: it reaches the merchant sooner, never later.
      const attempts = (current.state === "open" ? current.attempts : 0) + 1
      return attempts >= settings.maxCompletionAttempts
        ? { state: "needs_attention", attempts, reason: "order_cancel_failing", nextCheckInMs: null }
        : { state: "open", attempts, nextCheckInMs: backoffMs(attempts, settings) }
    }
    case "held_again":
      return { state: "open", attempts: 0, nextCheckInMs: settings.openRecheckMs }
    case "abandoned":
      return { state: "abandoned", attempts: current.attempts, nextCheckInMs: settings.baseBackoffMs }
    case "paid_without_order":
      // Closed (expired, cancelled) or abandoned (its session replaced) before the money came: late money.
      return {
        state: "needs_attention",
        attempts: current.attempts,
        reason: current.state === "closed" || current.state === "abandoned" ? "paid_after_closing" : "paid_without_order",
        nextCheckInMs: null,
      }
    case "underpayment_refused":
      return { state: "needs_attention", attempts: current.attempts, reason: "refund_due", nextCheckInMs: null }
    case "merchant_resolved":
      return { state: "resolved", attempts: current.attempts, nextCheckInMs: null }
  }
}

// ─── The decision ───
/** What the ledger knows of the invoice (no row yet: first sight). */
export interface LedgerRowFacts extends LedgerPosition {
  attention_reason: string | null
  /** The merchant's decision on an underpayment or a raised invoice ("accepted", "rejected", "resolved"). */
  decision: string | null
}

/** The invoice as Meum reports it, reduced to what decides. */
export interface InvoiceFacts {
  status: ReadInvoiceStatus
  /** Paid the amount and currency that were asked (only meaningful when paid). */
  paidAsAsked: boolean
  /** Epoch ms since when a dead invoice is dead (its last update, else its expiry). */
  deadSinceMs?: number
  /** Epoch ms of its creation at Meum (the plugin's invoice lifetime counts from it). */
  createdAtMs?: number
}

/** The Medusa side, read in one go before deciding. */
export interface MedusaFacts {
  mode: CheckoutMode
  /** A live payment session holds this invoice (false: the session was replaced or deleted). */
  heldBySession: boolean
  sessionStatus?: string
  /** The session's Payment exists and is captured. */
  captured: boolean
  /** The session's payment collection belongs to a cart (false: no cart link, e.g. a deleted cart). */
  hasCart: boolean
  order?: { id: string; status: string }
  /** Order-first: why the order's money arrived another way (a captured payment, another paid invoice). */
  moneyArrivedElsewhere?: string
}

/** What the merchant asked for in admin (each recorded with who, when and a note). */
export type MerchantAction = "accept_underpaid" | "reject_underpaid" | "resolve"

export interface DecisionInput {
  row?: LedgerRowFacts
  merchant?: MerchantAction
  invoice: InvoiceFacts
  medusa: MedusaFacts
  /** Admin "Re-check now": act even on an invoice handed to the merchant. */
  force?: boolean
  now: number
  /** Order-first grace after an invoice dies before its order is cancelled. */
  graceMs: number
  /** The plugin's invoice lifetime (option invoiceLifetimeMinutes); none: only Meum's expiry counts. */
  lifetimeMs?: number
  settings?: MachineSettings
}

export type ReconcileAction =
  /** Medusa's processPaymentWorkflow: captured → Payment + Capture, cart completed into an order. */
  | { kind: "capture_and_complete" }
  /** A paid invoice its session no longer holds: a live session of its cart takes it, then captures. */
  | { kind: "adopt" }
  /** Order-first, dead past its grace: cancel the order (Medusa releases its reservations). */
  | { kind: "cancel_order"; orderId: string }
  /** Store the status table's answer on the session (Medusa's authorizePaymentSession asks the provider). */
  | { kind: "refresh_session"; sessionStatus: SessionStatus }
  /** An invoice whose session is gone, still open at Meum: cancel it there so it cannot be paid. */
  | { kind: "cancel_at_meum" }
  /** Nothing to do at Meum or in Medusa; the ledger row still moves. */
  | { kind: "nothing"; duplicate: boolean }
  /** The merchant has it (or it waits): not acted on, not recorded. */
  | { kind: "hold"; reason: string }
  /** The merchant accepted the shortfall: seal the acceptance, authorize, capture what was received, place the order. */
  | { kind: "accept_underpaid" }
  /** The merchant refused it: the session is cancelled, and the order too unless its money arrived another way. */
  | { kind: "reject_underpaid"; cancelOrderId?: string }
  /** The merchant handled it outside the plugin. */
  | { kind: "resolve" }
  /** The merchant's request does not apply (already decided, not underpaid, nothing to resolve): nothing changes. */
  | { kind: "refuse"; reason: string }

export interface Decision {
  action: ReconcileAction
  /** What the run observed when the action succeeds (undefined with `hold`). */
  observation?: Observation
  /** The ledger position after a successful action (undefined with `hold`). */
  next?: Transition
  /** Raised for the merchant by this decision (also in next.reason). */
  raise?: AttentionReason
}

/**
 * Not acted on again without the merchant: a decided invoice, and a completion (or an order
 * cancellation) that kept failing — each completion try may make Medusa replace the session, i.e.
 * a new invoice and a duplicate Payment — and a refused underpayment whose refund the merchant owes
 * (looked at again, Meum's `underpaid` would raise it as a fresh underpayment). Other reasons
 * (underpaid, mismatch, unknown) are safe to look at.
 */
export function handedToMerchant(row: Pick<LedgerRowFacts, "state" | "attention_reason"> | undefined): boolean {
  if (!row) return false
  return (
    row.state === "resolved" ||
    (row.state === "needs_attention" && (row.attention_reason === "completion_failing" || row.attention_reason === "order_cancel_failing" || row.attention_reason === "refund_due"))
  )
}

export function decide(input: DecisionInput): Decision {
  if (input.merchant) return decideForMerchant(input)
  const { row, invoice, medusa } = input
  const settings = input.settings ?? DEFAULT_MACHINE_SETTINGS
  // A refused underpayment whose refund is due stays so even on "Re-check now": Meum still says
  // underpaid, and looking again would raise it as a fresh underpayment and free the cart.
  if ((!input.force || row?.attention_reason === "refund_due") && handedToMerchant(row)) {
    return { action: { kind: "hold", reason: `the invoice is ${row!.state} (${row!.attention_reason ?? row!.decision ?? "decided"}): the merchant handles it` } }
  }
  const position: LedgerPosition = row ? { state: row.state, attempts: row.attempts } : { state: "open", attempts: 0 }
  const to = (action: ReconcileAction, observation: Observation): Decision => {
    const next = nextLedgerState(position, observation, settings)
    return { action, observation, next, ...(next.state === "needs_attention" && next.reason ? { raise: next.reason } : {}) }
  }
  const phase = invoicePhase(invoice.status)

  if (phase === "open" && lifetimeLeftMs(input) !== undefined) {
    const left = lifetimeLeftMs(input)!
    if (left <= 0) {
      // Past the plugin's lifetime: cancelled at Meum, the session is no longer payable. An
      // order-first order then waits out its grace like any dead invoice's.
      const waiting = medusa.heldBySession && medusa.mode === "order_first" && medusa.order && medusa.order.status !== "canceled"
      return to({ kind: "cancel_at_meum" }, waiting ? { kind: "grace", remainingMs: input.graceMs } : { kind: "dead" })
    }
    // Still open: look again no later than when its lifetime ends.
    const decision = medusa.heldBySession ? held(input, phase, to) : orphaned(phase, invoice, to, row)
    if (decision.next && decision.next.nextCheckInMs !== null && decision.next.nextCheckInMs > left) decision.next = { ...decision.next, nextCheckInMs: left }
    return decision
  }
  if (!medusa.heldBySession) return orphaned(phase, invoice, to, row)
  return held(input, phase, to)
}

/** Time left of the plugin's invoice lifetime, if it applies. */
function lifetimeLeftMs(input: DecisionInput): number | undefined {
  if (!input.lifetimeMs || input.invoice.createdAtMs === undefined) return undefined
  return input.invoice.createdAtMs + input.lifetimeMs - input.now
}

/** An invoice its live session holds. */
function held(input: DecisionInput, phase: ReturnType<typeof invoicePhase>, to: To): Decision {
  const { row, invoice, medusa } = input

  switch (phase) {
    case "unknown":
      // Forward compatibility: a status Meum's docs do not list changes nothing in Medusa.
      return to({ kind: "nothing", duplicate: false }, { kind: "unknown_status" })
    case "open":
      // An invoice thought abandoned is held by a live session after all (a webhook raced its creation).
      return to({ kind: "nothing", duplicate: false }, row?.state === "abandoned" ? { kind: "held_again" } : { kind: "open" })
    case "paid": {
      if (!invoice.paidAsAsked) {
        // Never captured silently: the session becomes `error` for the merchant.
        return to({ kind: "refresh_session", sessionStatus: sessionStatusForInvoice("paid", medusa.mode, false) }, { kind: "amount_mismatch" })
      }
      if (medusa.captured && (medusa.order || !medusa.hasCart)) {
        return to({ kind: "nothing", duplicate: true }, { kind: "captured", orderPlaced: true })
      }
      if (medusa.order?.status === "canceled") {
        // Paid for an order the store cancelled (order-first past its grace, or by hand): the merchant decides.
        return to({ kind: "nothing", duplicate: false }, { kind: "paid_without_order" })
      }
      return to({ kind: "capture_and_complete" }, { kind: "captured", orderPlaced: true })
    }
    case "dead":
      if (medusa.mode === "order_first" && medusa.order) return orderFirstDead(input, to)
      return refreshOr(input, to, { kind: "dead" })
    case "underpaid":
      // Accepted by the merchant: the sealed acceptance makes the session authorized.
      return refreshOr(input, to, row?.decision === "accepted" ? { kind: "captured", orderPlaced: true } : { kind: "underpaid" })
    case "refunded": {
      const wasCaptured = row?.state === "completed" || medusa.captured || medusa.sessionStatus === "authorized"
      return refreshOr(input, to, { kind: "refunded", wasCaptured })
    }
  }
}

type To = (action: ReconcileAction, observation: Observation) => Decision

/** The merchant's decisions: only on what they apply to, and once. */
function decideForMerchant(input: DecisionInput): Decision {
  const { row, invoice, medusa } = input
  const position: LedgerPosition = row ? { state: row.state, attempts: row.attempts } : { state: "open", attempts: 0 }
  const to = (action: ReconcileAction, observation: Observation): Decision => ({ action, observation, next: nextLedgerState(position, observation, input.settings) })
  if (input.merchant === "resolve") {
    if (!row) return { action: { kind: "refuse", reason: "the invoice is not in the ledger" } }
    if (row.state === "resolved") return { action: { kind: "nothing", duplicate: true } }
    if (!isAllowedTransition(row.state, "resolved")) {
      return { action: { kind: "refuse", reason: `the invoice is ${row.state}: only an invoice that needs attention can be marked resolved` } }
    }
    return to({ kind: "resolve" }, { kind: "merchant_resolved" })
  }
  if (row?.decision) return { action: { kind: "refuse", reason: `The underpayment was already ${row.decision}` } }
  if (invoice.status !== "underpaid" || !medusa.heldBySession) return { action: { kind: "refuse", reason: `the invoice is ${invoice.status}, not underpaid` } }
  if (input.merchant === "accept_underpaid") return to({ kind: "accept_underpaid" }, { kind: "captured", orderPlaced: true })
  // Another payment of the order may have arrived: then the order is kept.
  const cancelOrderId = medusa.order && medusa.order.status !== "canceled" && !medusa.moneyArrivedElsewhere ? medusa.order.id : undefined
  // The shopper is owed a refund: the invoice stays with the merchant until they mark it done.
  return to({ kind: "reject_underpaid", ...(cancelOrderId ? { cancelOrderId } : {}) }, { kind: "underpayment_refused" })
}

/** Stores the status table's answer on the session unless it is already there. */
function refreshOr(input: DecisionInput, to: To, observation: Observation): Decision {
  const target = sessionStatusForInvoice(input.invoice.status, input.medusa.mode)
  if (input.medusa.sessionStatus === target) return to({ kind: "nothing", duplicate: true }, observation)
  return to({ kind: "refresh_session", sessionStatus: target }, observation)
}

/** Order-first, the invoice died: wait out the grace, then cancel the order — unless its money arrived. */
function orderFirstDead(input: DecisionInput, to: To): Decision {
  const order = input.medusa.order!
  const remainingMs = (input.invoice.deadSinceMs ?? 0) + input.graceMs - input.now
  if (order.status !== "canceled" && remainingMs > 0) {
    // The session stays awaiting so the job comes back after the grace period.
    return to({ kind: "nothing", duplicate: false }, { kind: "grace", remainingMs })
  }
  if (order.status === "canceled") return refreshOr(input, to, { kind: "dead" })
  // An order whose money arrived is never cancelled by the plugin (e.g. another invoice of its cart was paid).
  if (input.medusa.moneyArrivedElsewhere) return refreshOr(input, to, { kind: "order_paid_not_cancelled" })
  return to({ kind: "cancel_order", orderId: order.id }, { kind: "dead" })
}

/** An invoice its session no longer holds: a paid one is adopted, the others only move the ledger. */
function orphaned(phase: ReturnType<typeof invoicePhase>, invoice: InvoiceFacts, to: To, row: LedgerRowFacts | undefined): Decision {
  switch (phase) {
    case "paid":
      return invoice.paidAsAsked ? to({ kind: "adopt" }, { kind: "captured", orderPlaced: true }) : to({ kind: "nothing", duplicate: false }, { kind: "paid_without_order" })
    case "open":
      // First seen abandoned: the job comes back (a session may still be being created), then cancels it at Meum.
      return row?.state === "abandoned" ? to({ kind: "cancel_at_meum" }, { kind: "dead" }) : to({ kind: "nothing", duplicate: false }, { kind: "abandoned" })
    case "unknown":
      return to({ kind: "nothing", duplicate: false }, { kind: "unknown_status" })
    case "underpaid":
      return to({ kind: "nothing", duplicate: false }, { kind: "underpaid" })
    case "dead":
    case "refunded":
      return to({ kind: "nothing", duplicate: false }, { kind: "dead" })
  }
}

/** What a failed action observed: a completion or a cancellation counts towards the merchant, anything else backs off. */
export function failureObservation(action: ReconcileAction, error: string): Observation {
  if (action.kind === "capture_and_complete" || action.kind === "adopt") return { kind: "completion_failed", error }
  if (action.kind === "cancel_order") return { kind: "order_cancel_failed", error }
  return { kind: "check_failed", error }
}
