/**
 * The external_order_id of a cart's invoices.
 *
 * Meum documents that "creating an invoice with the same store_id + external_order_id returns the
 * existing invoice rather than a duplicate" — and does not limit that to open invoices. A cart
 * whose invoice was cancelled (the cart changed) would then get the cancelled invoice back for
 * ever. So only the *first* invoice of an order reference uses it verbatim; later ones use a
 * derived form that stays readable and parseable:
 *
 *   <ref>                      first invoice (the cart id, exactly)
 *   <ref>:<session_id>         the next one, for that payment session
 *   <ref>:<session_id>:<n>     further ones of the same session (n = 2, 3, …)
 *
 * Medusa ids (`cart_01…`, `payses_01…`) never contain ":", so the reference is everything before
 * the first ":" — `orderReferenceOf` reads it back from either form.
 */
import type { Invoice } from "./schemas"

export const EXTERNAL_ORDER_ID_SEPARATOR = ":"

/** The order reference (the cart id) an external_order_id was made from. */
export function orderReferenceOf(externalOrderId: string): string {
  const cut = externalOrderId.indexOf(EXTERNAL_ORDER_ID_SEPARATOR)
  return cut < 0 ? externalOrderId : externalOrderId.slice(0, cut)
}

/**
 * The cart an invoice is for: its metadata (written at creation), else its external_order_id in
 * either form (Meum may return an invoice without its metadata, issue 18.7).
 */
export function cartIdOfInvoice(invoice: Invoice): string | undefined {
  const fromMetadata = invoice.metadata?.medusa_cart_id
  if (typeof fromMetadata === "string" && fromMetadata) return fromMetadata
  const reference = invoice.external_order_id ? orderReferenceOf(invoice.external_order_id) : undefined
  return reference?.startsWith("cart_") ? reference : undefined
}

/** The n-th (1-based) external_order_id of a session for an order reference. */
export function externalOrderIdFor(reference: string, sessionId: string, n: number): string {
  if (n <= 1) return reference
  if (n === 2) return `${reference}${EXTERNAL_ORDER_ID_SEPARATOR}${sessionId}`
  return `${reference}${EXTERNAL_ORDER_ID_SEPARATOR}${sessionId}${EXTERNAL_ORDER_ID_SEPARATOR}${n - 1}`
}

/** Position of an external_order_id in the session's sequence, or 0 when it is not the session's. */
function positionOf(reference: string, sessionId: string, externalOrderId: string | undefined): number {
  if (!externalOrderId) return 0
  if (externalOrderId === reference) return 1
  const own = `${reference}${EXTERNAL_ORDER_ID_SEPARATOR}${sessionId}`
  if (externalOrderId === own) return 2
  if (externalOrderId.startsWith(own + EXTERNAL_ORDER_ID_SEPARATOR)) {
    const n = Number(externalOrderId.slice(own.length + 1))
    if (Number.isInteger(n) && n >= 2) return n + 1
  }
  return 0
}

/**
 * The external_order_ids to try, in order, for a new invoice of this session: after the last
 * one the session used (`previous`), or from the plain reference for a new session.
 */
export function externalOrderIdCandidates(reference: string, sessionId: string, previous?: string, count = 3): string[] {
  const start = positionOf(reference, sessionId, previous) + 1
  return Array.from({ length: count }, (_, i) => externalOrderIdFor(reference, sessionId, start + i))
}
