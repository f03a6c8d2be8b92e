/**
 * Order-first stores (provider option `orderFirst`): the Meum session of an open invoice is
 * `pending_authorization`, so Medusa completes the cart into an order (not yet paid) before the
 * shopper pays; the paid webhook captures it later, and a dead invoice cancels it after the grace
 * period. This places the order first, then hands back where to pay it.
 */
import { completeOnce } from "./attempt-completion"
import { MEUM_PROVIDER_ID } from "./constants"
import { MeumCheckoutError } from "./errors"
import { ensureMeumSession, retrieveMeumCart, type MeumRedirectOptions } from "./redirect-url"
import type { MeumStorefrontSdk } from "./sdk"
import { reusableMeumSession } from "./session"

export interface MeumOrderFirstStart {
  orderId: string
  /** The Meum checkout_url of the order's session. */
  redirectUrl: string
  /** The order's shipping country (for `/{countryCode}/order/{id}/confirmed`), if it has one. */
  countryCode: string | null
}

/**
 * Completes the cart, then returns the order and the checkout_url of its Meum session. The session
 * is read (or initiated) *before* completing, and reused when called again, also once the cart is
 * completed: no new invoice per call. Throws MeumCheckoutError: `not_order_first` (the provider is
 * pay-first), `completion_in_progress` (try again), `invoice_not_payable` (the order's invoice is
 * dead: there is no "pay again" for an order), `completion_failed`, `cart_not_found`.
 */
export async function completeThenRedirect(sdk: MeumStorefrontSdk, cartId: string, options: MeumRedirectOptions = {}): Promise<MeumOrderFirstStart> {
  const providerId = options.providerId ?? MEUM_PROVIDER_ID
  const cart = await retrieveMeumCart(sdk, cartId, options.headers)

  let redirectUrl: string
  if (cart.completed_at) {
    // Called again (double click, back button): the order exists; its session is the one to pay.
    const live = reusableMeumSession(cart.payment_collection, { providerId, amount: cart.total, minValidityMs: options.minValidityMs, now: options.now })
    if (!live) {
      throw new MeumCheckoutError("invoice_not_payable", `The order of cart ${cartId} has no payable Meum invoice any more`)
    }
    redirectUrl = live.checkoutUrl
  } else {
    const session = await ensureMeumSession(sdk, cart, options)
    if (session.status !== "pending_authorization") {
      throw new MeumCheckoutError(
        "not_order_first",
        `The Meum session is "${session.status}", not "pending_authorization": ${providerId} is not in order-first mode (set its orderFirst option), so the cart cannot become an order before payment`
      )
    }
    redirectUrl = session.checkoutUrl
  }

  const { attempt } = await completeOnce(sdk, cartId, { providerId, headers: options.headers })
  switch (attempt.kind) {
    case "order":
      return { orderId: attempt.orderId, redirectUrl, countryCode: attempt.countryCode }
    case "in_progress":
      throw new MeumCheckoutError("completion_in_progress", "This order is being placed by another request: try again in a moment")
    case "not_paid_yet":
      throw new MeumCheckoutError("not_order_first", `Medusa did not place the order before payment: ${providerId} is not in order-first mode`)
    case "underpaid":
    case "under_review":
    case "closed":
      throw new MeumCheckoutError("completion_failed", attempt.message)
  }
}
