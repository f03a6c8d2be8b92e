/** Shared constants of the storefront helper (no imports: safe in any storefront bundle). */

/** The default Meum registration (`identifier` meum, `id` meum). A store may register more, e.g. `pp_meum_meum_second`. */
export const MEUM_PROVIDER_ID = "pp_meum_meum"

/** Shopper-facing texts for a payment the merchant must decide on: never "start again". */
export const HELD_MESSAGES = {
  underpaid: "We received less than the order total. Your payment is safe: the store will contact you to complete or refund it.",
  under_review: "We received your payment, but it does not match the order. The store will review it and contact you.",
} as const

/** Why the store refuses a new payment for a cart (the server's texts, src/providers/meum/medusa-errors.ts). */
export type MeumSessionRefusal = "already_paid" | "under_review" | "refund_pending" | "order_canceled" | "too_many_attempts"

/** The store API's refusal texts, shown as they are: a paid cart, a held payment, a cart over its invoice budget. */
export const SESSION_REFUSED_MESSAGES: Record<MeumSessionRefusal, string> = {
  already_paid: "This order is already paid. No new payment is needed.",
  under_review: "Your payment is being reviewed by the store. The store will contact you; please do not pay again.",
  refund_pending: "The store did not accept your partial payment and is refunding it. You can pay again once the store confirms the refund.",
  order_canceled: "This order was cancelled. Please start again with a new cart.",
  too_many_attempts: "Too many payment attempts for this cart. Please wait a few minutes.",
}

/** Why a payment must be started again. */
export type MeumClosedReason = "invoice_closed" | "payment_failed" | "session_missing" | "cart_error"

/** Shopper-facing texts for a payment that can no longer be paid: start again. */
export const CLOSED_MESSAGES: Record<MeumClosedReason, string> = {
  invoice_closed: "This payment expired or was cancelled. Please start the payment again.",
  payment_failed: "This payment failed. Please start the payment again.",
  session_missing: "No crypto payment was started for this cart. Please start the payment again.",
  cart_error: "We could not place your order. Please review your cart and start the payment again.",
}

/** True for any Meum registration's provider id (`pp_meum_<id>`). */
// Medusa names a registration pp_meum_<id>, or pp_meum when it has no id (the server's rule too).
export const isMeumProvider = (providerId: unknown): boolean => typeof providerId === "string" && (providerId === "pp_meum" || providerId.startsWith("pp_meum_"))
