/**
 * ONE completion attempt of a cart paid (or being paid) through Meum, read from what Medusa's
 * `POST /store/carts/:id/complete` answers. No sleeping: route handlers and server actions call it
 * within their own time budget; completeMeumCheckout loops over it.
 */
import { CLOSED_MESSAGES, HELD_MESSAGES, MEUM_PROVIDER_ID, type MeumClosedReason } from "./constants"
import { MEUM_CART_FIELDS, statusOf, type MeumSdkHeaders, type MeumStorefrontSdk } from "./sdk"
import { findMeumSession } from "./session"

export type MeumAttempt =
  /** The order exists (placed now, or earlier by the webhook). */
  | { kind: "order"; orderId: string; countryCode: string | null }
  /** Medusa answered 400: the invoice is open and not paid (or still confirming). Wait and try again. */
  | { kind: "not_paid_yet" }
  /** Another completion holds the cart (HTTP 409, "already being completed"; e.g. the webhook). Try again shortly. */
  | { kind: "in_progress" }
  /** Paid less than asked: the payment is kept for the merchant to accept or refund. Do not start again. */
  | { kind: "underpaid"; message: string; paidAmount?: string }
  /** Paid, but not as asked (amount or currency): held for the merchant. Do not start again. */
  | { kind: "under_review"; message: string }
  /** The invoice can no longer be paid (expired, cancelled, failed, gone): start the payment again. */
  | { kind: "closed"; reason: MeumClosedReason; message: string; detail?: string }

export interface AttemptOptions {
  providerId?: string
  headers?: MeumSdkHeaders
}

const IN_PROGRESS = /already being completed/i

const closed = (reason: MeumClosedReason, detail?: string): MeumAttempt => ({
  kind: "closed",
  reason,
  message: CLOSED_MESSAGES[reason],
  ...(detail !== undefined ? { detail } : {}),
})

const orderAttempt = (order: any): MeumAttempt => ({
  kind: "order",
  orderId: String(order?.id),
  countryCode: typeof order?.shipping_address?.country_code === "string" ? order.shipping_address.country_code : null,
})

/** The attempt, plus the order object Medusa returned (for completeMeumCheckout's `order` outcome). */
export async function completeOnce(
  sdk: MeumStorefrontSdk,
  cartId: string,
  options: AttemptOptions = {}
): Promise<{ attempt: MeumAttempt; order?: unknown }> {
  const providerId = options.providerId ?? MEUM_PROVIDER_ID
  const complete = async (): Promise<{ attempt: MeumAttempt; order?: unknown } | { status: 400 }> => {
    try {
      const result = await sdk.store.cart.complete(cartId, undefined, options.headers)
      if (result.type === "order") return { attempt: orderAttempt(result.order), order: result.order }
      return { attempt: closed("cart_error", result.error?.message) }
    } catch (error) {
      const status = statusOf(error)
      if (status === 409 || IN_PROGRESS.test(String((error as Error | null)?.message ?? ""))) return { attempt: { kind: "in_progress" } }
      if (status === 400) return { status: 400 }
      throw error
    }
  }

  const first = await complete()
  if ("attempt" in first) return first

  // 400: the session was not authorized. Its status says why.
  const { cart } = await sdk.store.cart.retrieve(cartId, { fields: MEUM_CART_FIELDS }, options.headers)
  if (cart?.completed_at) {
    // Placed meanwhile (the webhook): completing a completed cart returns its order.
    const again = await complete()
    return "attempt" in again ? again : { attempt: { kind: "in_progress" } }
  }
  const session = findMeumSession(cart?.payment_collection, providerId)
  if (!session) return { attempt: closed("session_missing") }
  if (session.status === "requires_more") {
    const paidAmount = session.data?.paid_amount
    return { attempt: { kind: "underpaid", message: HELD_MESSAGES.underpaid, ...(paidAmount != null ? { paidAmount: String(paidAmount) } : {}) } }
  }
  if (session.status === "error" && session.data?.meum_flag === "amount_mismatch") {
    return { attempt: { kind: "under_review", message: HELD_MESSAGES.under_review } }
  }
  if (session.status === "canceled") return { attempt: closed("invoice_closed") }
  if (session.status === "error") return { attempt: closed("payment_failed") }
  return { attempt: { kind: "not_paid_yet" } }
}

/**
 * One completion attempt: `order` (show it, clear the cart cookie) · `not_paid_yet` / `in_progress`
 * (wait, try again) · `underpaid` / `under_review` (held for the merchant: show `message`, do not
 * start again) · `closed` (start the payment again). Other HTTP errors are thrown as they come.
 */
export async function attemptMeumCompletion(sdk: MeumStorefrontSdk, cartId: string, options: AttemptOptions = {}): Promise<MeumAttempt> {
  return (await completeOnce(sdk, cartId, options)).attempt
}
