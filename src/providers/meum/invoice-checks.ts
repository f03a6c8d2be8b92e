import { isOpenInvoiceStatus, type Invoice } from "../../lib/meum/schemas"
import { meumAmountLessThan, meumAmountsEqual } from "../../lib/meum/money"

export interface AskedFor {
  amount: string
  currency: string
  sessionId?: string
}

export const metadataSessionId = (invoice: Invoice): string | undefined => {
  const value = invoice.metadata?.medusa_session_id
  return typeof value === "string" ? value : undefined
}

/** Same amount and currency as we asked for (compared at the currency's precision). */
export function invoiceMatchesAsked(invoice: Invoice, asked: AskedFor): boolean {
  if (invoice.currency.toUpperCase() !== asked.currency.toUpperCase()) return false
  try {
    return meumAmountsEqual(invoice.amount, asked.amount, asked.currency)
  } catch {
    return false
  }
}

/**
 * Whether a (re-)fetched invoice may be used for this session: open, and the one we asked for.
 * Meum may hand back an existing invoice for the same external_order_id (documented dedupe).
 */
export function isUsableForSession(invoice: Invoice, asked: AskedFor): boolean {
  return (
    isOpenInvoiceStatus(invoice.status) &&
    invoiceMatchesAsked(invoice, asked) &&
    (asked.sessionId === undefined || metadataSessionId(invoice) === asked.sessionId)
  )
}

/** A paid invoice counts as paid-as-asked only if amount/currency match and nothing is short. */
export function isPaidAsAsked(invoice: Invoice, asked: AskedFor): boolean {
  if (invoice.status !== "paid" || !invoiceMatchesAsked(invoice, asked)) return false
  if (invoice.paid_amount) {
    try {
      return !meumAmountLessThan(invoice.paid_amount, asked.amount, asked.currency)
    } catch {
      return false
    }
  }
  return true
}
