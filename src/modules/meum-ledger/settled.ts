/**
 * When the ledger needs no more work for a delivery or an invoice, and when an invoice's money is
 * known to have arrived. Pure rules over ledger rows; the service applies them to what it reads.
 */
import { MONEY_ARRIVED_REASONS, type LedgerState } from "./decide"

/** Delivery outcomes after which a repeat of the event needs no work (its state is already committed). */
const SETTLED_OUTCOMES = new Set(["captured", "updated", "ignored", "order_canceled", "unknown_status", "mismatch", "skipped"])

export const isSettledOutcome = (outcome: string | null): boolean => outcome !== null && SETTLED_OUTCOMES.has(outcome)

/**
 * States in which a paid invoice needs nothing more from the job. Not `closed`: Meum listing as paid
 * an invoice the ledger closed (expired, cancelled) is late money, and its webhook may be lost.
 */
const SETTLED_STATES: ReadonlySet<string> = new Set<LedgerState>(["completed", "needs_attention", "resolved"])

export interface SettleRow {
  state: string
  attention_reason: string | null
  next_check_at: Date | string | null
}

/**
 * Does an invoice Meum reports paid (or underpaid) still need the job now? No row: yes. Settled: no,
 * except an unknown status, which may still turn into a payment. Known paid and waiting for its
 * retry backoff: not now.
 */
export function needsSettling(row: SettleRow | undefined, now: number): boolean {
  if (!row) return true
  if (row.state === "needs_attention" && row.attention_reason === "unknown_status") return true
  if (SETTLED_STATES.has(row.state)) return false
  const waiting = row.state === "paid" && row.next_check_at !== null && new Date(row.next_check_at).getTime() > now
  return !waiting
}

/** The invoice's money arrived: paid, completed, or handed to the merchant for a reason that means money moved. */
export const moneyArrived = (row: { state: string; attention_reason: string | null }): boolean =>
  row.state === "paid" ||
  row.state === "completed" ||
  (row.state === "needs_attention" && (MONEY_ARRIVED_REASONS as readonly string[]).includes(row.attention_reason ?? ""))
