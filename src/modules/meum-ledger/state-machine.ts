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
 * Pure: no Medusa import.
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
