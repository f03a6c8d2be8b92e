/**
 * Cancels open Meum invoices whose payment session Medusa deleted while Meum could not be reached
 * (a cart edit during an outage: deletePayment logs and lets the edit go on). Without this the
 * old invoice would stay payable at the old price.
 *
 * Uses what Meum offers: the list endpoint's `status` filter with cursor paging, so each run costs
 * a bounded number of pages, not one call per session. An invoice is ours only when its metadata
 * names a payment collection that exists in this store's database (a staging store sharing the
 * Meum account never touches production's invoices). It is abandoned when its session no longer
 * exists and no live session of that collection holds it (adoption may have moved it). Young
 * invoices are left alone: their session may still be being created.
 *
 * Step 3 of the reconcile job (reconcile-meum-payments.ts). The leading "_" keeps Medusa's job
 * loader from registering this file as a scheduled job of its own.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import type { MeumClient } from "../lib/meum/client"
import { MeumApiError } from "../lib/meum/errors"
import { OPEN_INVOICE_STATUSES, type Invoice } from "../lib/meum/invoice"
import { readStoredSessionData } from "../lib/provider-registry"

export interface AbandonedSweepOptions {
  /** Invoices younger than this are not judged (default 5 minutes). */
  minAgeMs?: number
  /** Pages of 100 read per open status and run (default 5). */
  maxPages?: number
  now?: () => number
}

export interface AbandonedSweepResult {
  examined: number
  cancelled: string[]
}

const stringField = (invoice: Invoice, key: string): string | undefined => {
  const value = invoice.metadata?.[key]
  return typeof value === "string" && value ? value : undefined
}

export async function cancelAbandonedInvoices(
  container: MedusaContainer,
  client: MeumClient,
  options: AbandonedSweepOptions = {}
): Promise<AbandonedSweepResult> {
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const payment = container.resolve(Modules.PAYMENT)
  const now = (options.now ?? Date.now)()
  const minAgeMs = options.minAgeMs ?? 5 * 60_000
  const maxPages = options.maxPages ?? 5
  const result: AbandonedSweepResult = { examined: 0, cancelled: [] }

  for (const status of OPEN_INVOICE_STATUSES) {
    let cursor: string | undefined
    for (let page = 0; page < maxPages; page++) {
      const listed = await client.listInvoices({ status, limit: 100, ...(cursor ? { starting_after: cursor } : {}) })
      const candidates = listed.data.filter((invoice) => {
        const createdAt = Date.parse(invoice.created_at ?? "")
        // No creation time → its age cannot be judged → left alone.
        return stringField(invoice, "medusa_session_id") && stringField(invoice, "medusa_payment_collection_id") && createdAt && now - createdAt >= minAgeMs
      })
      result.examined += candidates.length
      if (candidates.length) {
        const collectionIds = [...new Set(candidates.map((invoice) => stringField(invoice, "medusa_payment_collection_id")!))]
        const collections = await payment.listPaymentCollections({ id: collectionIds }, { relations: ["payment_sessions"] })
        const holders = new Map<string, Set<string>>()
        for (const collection of collections as Array<{ id: string; payment_sessions?: Array<{ id: string; data?: Record<string, unknown> } | null> }>) {
          const held = new Set<string>()
          for (const session of collection.payment_sessions ?? []) {
            if (!session) continue
            held.add(`session:${session.id}`)
            const invoiceId = readStoredSessionData(session.data)?.invoice_id
            if (invoiceId) held.add(`invoice:${invoiceId}`)
          }
          holders.set(collection.id, held)
        }
        for (const invoice of candidates) {
          const held = holders.get(stringField(invoice, "medusa_payment_collection_id")!)
          if (!held) continue // not this store's
          if (held.has(`session:${stringField(invoice, "medusa_session_id")}`) || held.has(`invoice:${invoice.id}`)) continue
          try {
            await client.cancelInvoice(invoice.id)
            result.cancelled.push(invoice.id)
            logger.info(`Meum: cancelled invoice ${invoice.id}, left open when its payment session was deleted`)
          } catch (error) {
            if (error instanceof MeumApiError && (error.kind === "final" || error.isNotFound)) continue // no longer open
            throw error
          }
        }
      }
      const next = listed.next_cursor ?? listed.data[listed.data.length - 1]?.id
      if (!listed.has_more || !next) break
      cursor = next
    }
  }
  return result
}
