/**
 * Paid invoices read from Meum in the last few seconds, in this process. The reconcile workflow
 * reads the invoice, then Medusa's authorizePaymentSession asks the provider for the same invoice
 * a moment later in the same request path; this saves that second GET. Only `paid` reads are kept
 * (paid is where an invoice stays: reusing one cannot turn an unpaid answer into a paid one), and
 * only for a few seconds, so it can save a read but never change an answer. Nothing depends on it:
 * another process simply reads Meum.
 */
import type { Invoice } from "./schemas"

const MAX_AGE_MS = 10_000
const MAX_ENTRIES = 1_000

/** Per account: keyed by the account's client instance (one per registration, shared by its users). */
const readsByAccount = new WeakMap<object, Map<string, { invoice: Invoice; at: number }>>()

export function rememberPaidRead(account: object, invoice: Invoice, now: number = Date.now()): void {
  if (invoice.status !== "paid") return
  let reads = readsByAccount.get(account)
  if (!reads) readsByAccount.set(account, (reads = new Map()))
  if (reads.size >= MAX_ENTRIES) reads.delete(reads.keys().next().value as string)
  reads.set(invoice.id, { invoice, at: now })
}

export function recentPaidRead(account: object, invoiceId: string, now: number = Date.now()): Invoice | undefined {
  const reads = readsByAccount.get(account)
  const hit = reads?.get(invoiceId)
  if (!hit) return undefined
  if (now - hit.at > MAX_AGE_MS || now < hit.at) {
    reads!.delete(invoiceId)
    return undefined
  }
  return hit.invoice
}
