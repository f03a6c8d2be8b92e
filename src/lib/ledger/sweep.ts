/** What the reconcile job reads from the ledger each run (see src/jobs/reconcile-meum-payments.ts). */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import type { MeumClient } from "../meum/client"
import { MeumApiError } from "../meum/errors"
import { ACTIVE_STATES } from "../../modules/meum-ledger/state-machine"
import { ledgerOf, type LedgerInvoiceRow } from "./ledger"

/** Active ledger invoices whose next check is due, the longest overdue first. */
export async function dueLedgerInvoices(container: MedusaContainer, now: number, limit: number): Promise<Array<LedgerInvoiceRow & { provider_id: string }>> {
  // An unknown status needs the merchant but may still turn into a payment: it keeps its checks.
  const rows = await ledgerOf(container).listMeumInvoices(
    {
      $or: [{ state: [...ACTIVE_STATES] }, { state: "needs_attention", attention_reason: "unknown_status" }],
      next_check_at: { $lte: new Date(now) },
    } as any,
    { order: { next_check_at: "ASC" }, take: limit }
  )
  return rows as unknown as Array<LedgerInvoiceRow & { provider_id: string }>
}

/**
 * Meum payment sessions that may still need the plugin and that the ledger has no invoice for.
 * An anti-join in SQL (the ledger and the payment module share the store's database): one query
 * whatever the number of open sessions. Newest first; each run takes `limit` more.
 */
export async function sessionsMissingFromLedger(container: MedusaContainer, limit: number): Promise<string[]> {
  const knex = container.resolve(ContainerRegistrationKeys.PG_CONNECTION) as any
  const rows: Array<{ id: string }> = await knex("payment_session as ps")
    .select("ps.id")
    .where("ps.provider_id", "like", "pp_meum%")
    .whereNull("ps.deleted_at")
    .whereIn("ps.status", ["pending", "pending_authorization", "requires_more", "authorized"])
    .whereRaw("(ps.data ->> 'invoice_id') is not null")
    .whereNotExists(
      knex("meum_invoice as mi").select(knex.raw("1")).whereRaw("mi.invoice_id = ps.data ->> 'invoice_id'").whereNull("mi.deleted_at")
    )
    .orderBy("ps.created_at", "desc")
    .limit(limit)
  return rows.map((row) => row.id)
}

const SETTLED_STATES = new Set(["completed", "needs_attention", "resolved", "closed"])

/**
 * Invoices Meum reports paid (or underpaid) whose ledger row is not settled yet — a dropped
 * webhook. Read with the list endpoint's `status` filter, newest first, stopping at the first page
 * whose invoices are all settled (older ones were settled before them) or after `maxPages`: the
 * Meum calls per run follow the number of recently paid invoices, not the number of open sessions.
 */
export async function paidInvoicesToSettle(
  container: MedusaContainer,
  client: MeumClient,
  {
    maxPages = 5,
    pageSize = 100,
    now = Date.now(),
    onPageLimit,
  }: { maxPages?: number; pageSize?: number; now?: number; onPageLimit?: (status: "paid" | "underpaid") => void } = {}
): Promise<Array<{ invoiceId: string; sessionId: string }>> {
  const found: Array<{ invoiceId: string; sessionId: string }> = []
  for (const status of ["paid", "underpaid"] as const) {
    let cursor: string | undefined
    for (let page = 0; page < maxPages; page++) {
      const listed = await client.listInvoices({ status, limit: pageSize, ...(cursor ? { starting_after: cursor } : {}) })
      // Ours = its payment collection exists in this store's database (a staging store sharing
      // the Meum account must not take production's invoices, nor the other way round).
      const candidates = listed.data.filter(
        (invoice) => typeof invoice.metadata?.medusa_session_id === "string" && typeof invoice.metadata?.medusa_payment_collection_id === "string"
      )
      const collectionIds = [...new Set(candidates.map((invoice) => invoice.metadata!.medusa_payment_collection_id as string))]
      const existing = collectionIds.length
        ? new Set(((await container.resolve(Modules.PAYMENT).listPaymentCollections({ id: collectionIds }, { select: ["id"] })) as Array<{ id: string }>).map((c) => c.id))
        : new Set<string>()
      const ours = candidates.filter((invoice) => existing.has(invoice.metadata!.medusa_payment_collection_id as string))
      const rows = ours.length
        ? ((await ledgerOf(container).listMeumInvoices({ invoice_id: ours.map((invoice) => invoice.id) }, { select: ["invoice_id", "state", "attention_reason", "next_check_at"] })) as Array<{
            invoice_id: string
            state: string
            attention_reason: string | null
            next_check_at: Date | string | null
          }>)
        : []
      const rowOf = new Map(rows.map((row) => [row.invoice_id, row]))
      // Settled, or already known paid and waiting for its retry backoff: not now.
      const waiting = (row: { state: string; next_check_at: Date | string | null } | undefined) =>
        row?.state === "paid" && row.next_check_at !== null && new Date(row.next_check_at).getTime() > now
      const settled = (invoiceId: string) => {
        const row = rowOf.get(invoiceId)
        if (row?.state === "needs_attention" && row.attention_reason === "unknown_status") return false
        return SETTLED_STATES.has(row?.state ?? "") || waiting(row)
      }
      const unsettled = ours.filter((invoice) => !settled(invoice.id))
      found.push(...unsettled.map((invoice) => ({ invoiceId: invoice.id, sessionId: invoice.metadata!.medusa_session_id as string })))
      const next = listed.next_cursor ?? listed.data[listed.data.length - 1]?.id
      if (unsettled.length === 0 || !listed.has_more || !next) break
      cursor = next
      if (page === maxPages - 1) onPageLimit?.(status)
    }
  }
  return found
}
