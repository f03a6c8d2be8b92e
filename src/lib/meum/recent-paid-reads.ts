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

type Reads = WeakMap<object, Map<string, { invoice: Invoice; at: number }>>

/**
 * Per account: keyed by the account's client instance (one per registration, shared by its users).
 * Held on globalThis, like the provider registry: Medusa may load the provider and the workflows
 * through separate module instances (its loaders, jest's VM modules), and they must share it.
 */
const HOLDER_KEY = Symbol.for("medusa-payment-meum.recent-paid-reads")
const readsOf = (): Reads => ((globalThis as unknown as Record<symbol, Reads>)[HOLDER_KEY] ??= new WeakMap())

export function rememberPaidRead(account: object, invoice: Invoice, now: number = Date.now()): void {
  if (invoice.status !== "paid") return
  let reads = readsOf().get(account)
  if (!reads) readsOf().set(account, (reads = new Map()))
  if (reads.size >= MAX_ENTRIES) reads.delete(reads.keys().next().value as string)
  reads.set(invoice.id, { invoice, at: now })
}

export function recentPaidRead(account: object, invoiceId: string, now: number = Date.now()): Invoice | undefined {
  const reads = readsOf().get(account)
  const hit = reads?.get(invoiceId)
  if (!hit) return undefined
  if (now - hit.at > MAX_AGE_MS || now < hit.at) {
    reads!.delete(invoiceId)
    return undefined
  }
  return hit.invoice
}
