/**
 * Which buttons the admin shows on a ledger row. Only a hint for the UI: each action's own route
 * checks again, under the collection's lock, whether it is allowed.
 */
export type LedgerAction = "recheck" | "accept_shortfall" | "reject_shortfall" | "mark_resolved"

export function actionsFor(row: { state: string; attention_reason?: string | null; decision?: string | null; payment_session_id?: string | null }): LedgerAction[] {
  const actions: LedgerAction[] = []
  if (row.payment_session_id) actions.push("recheck")
  if (row.state === "needs_attention" && row.attention_reason === "underpaid" && !row.decision && row.payment_session_id) actions.push("accept_shortfall", "reject_shortfall")
  if (row.state === "needs_attention") actions.push("mark_resolved")
  return actions
}
