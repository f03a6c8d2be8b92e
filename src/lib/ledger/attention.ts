/** What the admin's Meum page shows: the invoices that need the merchant, and recent deliveries. */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ledgerOf } from "./ledger"

/** Needs the merchant, or is paid and still waiting for its order. */
export const ATTENTION_FILTER_STATES = ["needs_attention", "paid", "abandoned"]

export interface AttentionItem {
  invoice: Record<string, unknown>
  /** What the merchant can do here. */
  actions: Array<"recheck" | "accept_shortfall" | "reject_shortfall" | "mark_resolved">
  deliveries: Array<Record<string, unknown>>
}

const DELIVERY_FIELDS = ["id", "event_id", "event_type", "invoice_id", "verdict", "outcome", "http_status", "deliveries", "created_at", "updated_at"]

export function actionsFor(row: { state: string; attention_reason: string | null; decision: string | null; payment_session_id: string | null }): AttentionItem["actions"] {
  const actions: AttentionItem["actions"] = []
  if (row.payment_session_id) actions.push("recheck")
  if (row.attention_reason === "underpaid" && !row.decision && row.payment_session_id) actions.push("accept_shortfall", "reject_shortfall")
  if (row.state === "needs_attention") actions.push("mark_resolved")
  return actions
}

export async function attentionList(container: MedusaContainer, { limit = 50 }: { limit?: number } = {}): Promise<AttentionItem[]> {
  const ledger = ledgerOf(container)
  const rows = (await ledger.listMeumInvoices({ state: ATTENTION_FILTER_STATES } as any, { order: { updated_at: "DESC" }, take: limit })) as Array<
    Record<string, unknown> & { invoice_id: string; state: string; attention_reason: string | null; decision: string | null; payment_session_id: string | null }
  >
  const invoiceIds = rows.map((row) => row.invoice_id)
  const deliveries = invoiceIds.length
    ? ((await ledger.listMeumWebhookEvents({ invoice_id: invoiceIds } as any, { select: DELIVERY_FIELDS, order: { created_at: "DESC" }, take: 20 * invoiceIds.length })) as Array<
        Record<string, unknown> & { invoice_id: string }
      >)
    : []
  return rows.map((row) => ({
    invoice: row,
    actions: actionsFor(row),
    deliveries: deliveries.filter((delivery) => delivery.invoice_id === row.invoice_id).slice(0, 20),
  }))
}

export async function recentDeliveries(container: MedusaContainer, { limit = 50 }: { limit?: number } = {}) {
  return ledgerOf(container).listMeumWebhookEvents({}, { select: DELIVERY_FIELDS, order: { created_at: "DESC" }, take: limit })
}
