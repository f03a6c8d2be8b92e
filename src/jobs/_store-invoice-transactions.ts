/**
 * The reconcile job's transactions pass: every invoice whose money arrived and whose order is
 * placed (`completed`) or that waits for the merchant for a money-arrived reason, and whose
 * transactions were never read, is read once from Meum and stored (src/lib/invoice-transactions.ts).
 * Not in the webhook's path: reading there would add a Meum call to every paid webhook. A bounded
 * number per run, oldest first; a failed read leaves the row unread, so the next run tries again
 * (an invoice Meum does not know is stored with no transactions; a refused key stops the pass).
 * Two processes reading the same invoice at once store the same answer: harmless.
 * The leading "_" keeps Medusa's job loader from registering this file as a job.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { readAndStoreTransactions } from "../lib/invoice-transactions"
import { MeumApiError } from "../lib/meum/errors"
import type { MeumRegistration } from "../lib/provider-registry"
import { MEUM_LEDGER_MODULE } from "../modules/meum-ledger"
import type MeumLedgerService from "../modules/meum-ledger/service"
import { MONEY_ARRIVED_REASONS } from "../modules/meum-ledger/decide"

export const DEFAULT_TRANSACTIONS_PER_RUN = 20

export async function storeInvoiceTransactions(
  container: MedusaContainer,
  byProviderId: ReadonlyMap<string, MeumRegistration>,
  { limit = DEFAULT_TRANSACTIONS_PER_RUN, now = Date.now() }: { limit?: number; now?: number } = {}
): Promise<{ stored: number; failed: number }> {
  const ledger = container.resolve(MEUM_LEDGER_MODULE) as MeumLedgerService
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const unread = (await ledger.listMeumInvoices(
    {
      // The refund reasons too: the merchant needs the sender's transaction to refund it.
      $or: [{ state: "completed" }, { state: "needs_attention", attention_reason: [...MONEY_ARRIVED_REASONS, "refund_due", "refunded_after_capture"] }],
      transactions_read_at: null,
    } as Parameters<MeumLedgerService["listMeumInvoices"]>[0],
    { select: ["invoice_id", "provider_id"], order: { updated_at: "ASC" }, take: limit }
  )) as Array<{ invoice_id: string; provider_id: string }>
  const result = { stored: 0, failed: 0 }
  // A key without `transactions:read` is refused for every invoice: one warning, not one per row.
  const refused = new Set<string>()
  for (const row of unread) {
    const registration = byProviderId.get(row.provider_id)
    if (!registration || refused.has(row.provider_id)) continue // unregistered: the job already warns
    try {
      await readAndStoreTransactions(registration.client, ledger, row.invoice_id, new Date(now))
      result.stored++
    } catch (error) {
      const status = error instanceof MeumApiError ? error.status : undefined
      if (status === 404) {
        // Meum knows no such invoice: nothing to list, ever. Stored as read (empty), or the row
        // would take a place of every run's batch forever.
        await ledger.storeTransactions(row.invoice_id, [], new Date(now))
        result.stored++
        continue
      }
      result.failed++
      if (status === 401 || status === 403) refused.add(row.provider_id)
      logger.warn(`Meum: reading the transactions of invoice ${row.invoice_id} failed, will retry next run: ${(error as Error).message}`)
    }
  }
  return result
}
