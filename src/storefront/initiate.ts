/**
 * Starts a Meum payment session. A 4xx from the store (e.g. a refused return URL, an order already
 * paid) carries a message meant for the shopper: it becomes a MeumCheckoutError with that message,
 * so a storefront that catches the helper's errors shows it instead of crashing its render.
 */
import { MeumCheckoutError } from "./errors"
import { refusalOfStoreError } from "./refusals"
import { statusOf, type MeumSdkHeaders, type MeumStorefrontSdk } from "./sdk"

export async function initiateMeumSession(
  sdk: MeumStorefrontSdk,
  cart: any,
  body: { provider_id: string; data?: Record<string, unknown> },
  headers?: MeumSdkHeaders
): Promise<{ payment_collection: any }> {
  try {
    return await sdk.store.payment.initiatePaymentSession(cart, body, undefined, headers)
  } catch (error) {
    const status = statusOf(error)
    if (status === undefined || status < 400 || status >= 500) throw error
    const message = (error as { message?: unknown }).message
    // Paid, under review, over this cart's invoice budget: their own codes (issue 18 points 2, 3).
    const refusal = refusalOfStoreError(status, message)
    if (refusal) throw refusal
    throw new MeumCheckoutError("payment_refused", typeof message === "string" && message ? message : "The store refused to start this payment.", status)
  }
}
