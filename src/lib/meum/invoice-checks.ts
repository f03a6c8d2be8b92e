/**
 * "Is this the invoice we asked for?" and "is it paid as asked?" — the one place these are
 * decided (provider, webhook mapping, reconcile and admin all call these).
 */
import { type Invoice } from "./schemas"
import { isOpenInvoiceStatus } from "./status-table"
import { meumAmountLessThan, meumAmountsEqual } from "./money"

export interface AskedFor {
  amount: string
  currency: string
  sessionId?: string
}

export const metadataSessionId = (invoice: Invoice): string | undefined => {
  const value = invoice.metadata?.medusa_session_id
  return typeof value === "string" ? value : undefined
}

const sameMoney = (amount: string | null | undefined, currency: string | null | undefined, asked: AskedFor): boolean => {
  if (!amount || !currency || currency.toUpperCase() !== asked.currency.toUpperCase()) return false
  try {
    return meumAmountsEqual(amount, asked.amount, asked.currency)
  } catch {
    return false
  }
}

/**
 * Same amount and currency as we asked for (at the currency's precision): Meum's `amount` and
 * `currency`, or — the docs' "original order total before conversion, if different from
 * amount" — its `order_amount` and `order_currency`.
 */
export function invoiceMatchesAsked(invoice: Invoice, asked: AskedFor): boolean {
  return sameMoney(invoice.amount, invoice.currency, asked) || sameMoney(invoice.order_amount, invoice.order_currency, asked)
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

/**
 * `paid_amount` is lower than what Meum asked for, *when it can be compared*. Its unit is not
 * documented (it may be the output asset): null or a non-decimal value is not comparable, and
 * then Meum's `paid` verdict stands — it must never block a paid invoice forever.
 */
export function paidAmountShort(invoice: Invoice): boolean {
  if (!invoice.paid_amount) return false
  try {
    return meumAmountLessThan(invoice.paid_amount, invoice.amount, invoice.currency)
  } catch {
    return false
  }
}

/** Paid as asked: Meum says paid, it is the invoice we asked for, and nothing comparable is short. */
export function isPaidAsAsked(invoice: Invoice, asked: AskedFor): boolean {
  return invoice.status === "paid" && invoiceMatchesAsked(invoice, asked) && !paidAmountShort(invoice)
}

/** Amount and currency the session asked for, as recorded in the invoice's metadata at creation. */
export function askedFromMetadata(invoice: Invoice): { amount: string; currency: string } {
  const amount = invoice.metadata?.medusa_amount
  const currency = invoice.metadata?.medusa_currency
  return {
    amount: typeof amount === "string" ? amount : invoice.amount,
    currency: typeof currency === "string" ? currency : invoice.currency,
  }
}
