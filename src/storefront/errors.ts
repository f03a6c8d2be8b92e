/** Typed errors of the storefront helper: catch them and switch on `code`. */

export type MeumCheckoutErrorCode =
  /** The cart id is unknown to the store. */
  | "cart_not_found"
  /** The cart is already an order (e.g. the webhook placed it): show the order, do not pay again. */
  | "cart_completed"
  /** The cart's payment arrived (captured, authorized or paid at Meum): show the order or wait for it, never pay again. */
  | "already_paid"
  /** The payment is held for the merchant (e.g. underpaid): show SESSION_REFUSED_MESSAGES.under_review, never pay again. */
  | "under_review"
  /** The store refused a partial payment and is refunding it: show SESSION_REFUSED_MESSAGES.refund_pending; payable again once refunded. */
  | "refund_pending"
  /** Order-first: the cart's order was cancelled: show SESSION_REFUSED_MESSAGES.order_canceled, start a new cart. */
  | "order_canceled"
  /** This cart asked for too many invoices lately (the store's 429): try again in a few minutes. */
  | "too_many_attempts"
  /** Meum gave no checkout_url: the invoice cannot be paid (closed, or Meum refused it). */
  | "invoice_not_payable"
  /** Order-first: the session is not `pending_authorization`, so the cart cannot become an order before payment. */
  | "not_order_first"
  /** Another request (or the webhook) is completing this cart right now: try again in a moment. */
  | "completion_in_progress"
  /** Order-first: the cart could not be completed (the invoice is closed, underpaid or held). */
  | "completion_failed"
  /** The store refused to start the payment (HTTP 4xx): `message` is the store's, meant for the shopper. */
  | "payment_refused"

export class MeumCheckoutError extends Error {
  override readonly name = "MeumCheckoutError"
  constructor(
    readonly code: MeumCheckoutErrorCode,
    message: string,
    /** The store's HTTP status, when the error is its answer. */
    readonly status?: number
  ) {
    super(message)
  }
}

export const isMeumCheckoutError = (error: unknown, code?: MeumCheckoutErrorCode): error is MeumCheckoutError =>
  error instanceof MeumCheckoutError && (code === undefined || error.code === code)
