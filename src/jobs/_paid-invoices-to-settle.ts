/**
 * Invoices Meum reports paid (or underpaid) whose ledger row is not settled yet — a dropped
 * webhook (step 0 of the reconcile job). Read with the list endpoint's `status` filter, newest
 * first, stopping at the first page whose invoices are all settled (older ones were settled before
 * them) or after `maxPages`: the Meum calls per run follow the number of recently paid invoices,
 * not the number of open sessions. What "settled" means is the ledger's rule (its service).
 * The leading "_" keeps Medusa's job loader from registering this file as a job.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import type { MeumClient } from "../lib/meum/client"
import { MEUM_LEDGER_MODULE } from "../modules/meum-ledger"
import type MeumLedgerService from "../modules/meum-ledger/service"

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
  const ledger = container.resolve(MEUM_LEDGER_MODULE) as MeumLedgerService
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
      const unsettledIds = new Set(await ledger.unsettledInvoiceIds(ours.map((invoice) => invoice.id), now))
      const unsettled = ours.filter((invoice) => unsettledIds.has(invoice.id))
      found.push(...unsettled.map((invoice) => ({ invoiceId: invoice.id, sessionId: invoice.metadata!.medusa_session_id as string })))
      const next = listed.next_cursor ?? listed.data[listed.data.length - 1]?.id
      if (unsettled.length === 0 || !listed.has_more || !next) break
      cursor = next
      if (page === maxPages - 1) onPageLimit?.(status)
    }
  }
  return found
}
