/**
 * Cart id in, Meum `checkout_url` out: what a "Pay with crypto" server action needs. Reads the cart
 * fresh, reuses its live Meum session when the shopper can still pay it as is, and only otherwise
 * initiates a new one (so a double click or a revisit does not create, and cancel, invoices).
 */
import { MEUM_PROVIDER_ID } from "./constants"
import { MeumCheckoutError } from "./errors"
import { initiateMeumSession } from "./initiate"
import { buildMeumReturnUrl } from "./return-url"
import { MEUM_CART_FIELDS, statusOf, type MeumSdkHeaders, type MeumStorefrontSdk } from "./sdk"
import { refusalOf } from "./refusals"
import { checkoutStartOf, findMeumSession, reusableMeumSession, type MeumCheckoutStart } from "./session"

export interface MeumRedirectOptions {
  /** The Meum registration to pay with: `pp_meum_meum` by default, e.g. `pp_meum_meum_second`. */
  providerId?: string
  /** The return URL as is (takes precedence over origin/countryCode). */
  returnUrl?: string
  /** Builds the return URL with buildMeumReturnUrl when both are given (and `returnPath`, optional). */
  origin?: string
  countryCode?: string
  returnPath?: string
  /** An invoice expiring sooner than this is replaced rather than reused (default 60 s). */
  minValidityMs?: number
  /** Store API headers, e.g. the starter's `await getAuthHeaders()`. */
  headers?: MeumSdkHeaders
  now?: () => number
}

/** The return URL a session should carry for these options, if any (else the backend's MEUM_RETURN_URL applies). */
export function returnUrlFor(cartId: string, options: MeumRedirectOptions): string | undefined {
  if (options.returnUrl) return options.returnUrl
  if (options.origin && options.countryCode) {
    return buildMeumReturnUrl({ origin: options.origin, countryCode: options.countryCode, cartId, ...(options.returnPath ? { path: options.returnPath } : {}) })
  }
  return undefined
}

/** Reads the cart fresh (no cache): its total, completed_at and payment sessions with their data. */
export async function retrieveMeumCart(sdk: MeumStorefrontSdk, cartId: string, headers?: MeumSdkHeaders): Promise<any> {
  try {
    const { cart } = await sdk.store.cart.retrieve(cartId, { fields: MEUM_CART_FIELDS }, headers)
    if (!cart) throw new MeumCheckoutError("cart_not_found", `Cart ${cartId} was not found`)
    return cart
  } catch (error) {
    if (statusOf(error) === 404) throw new MeumCheckoutError("cart_not_found", `Cart ${cartId} was not found`)
    throw error
  }
}

/**
 * The cart's live Meum session, or a new one. Throws MeumCheckoutError `cart_completed`,
 * `already_paid` or `under_review` instead of initiating for a paid or held cart, and
 * `too_many_attempts` when the store refuses this cart more invoices for now.
 */
export async function ensureMeumSession(sdk: MeumStorefrontSdk, cart: any, options: MeumRedirectOptions = {}): Promise<MeumCheckoutStart & { status: string }> {
  const providerId = options.providerId ?? MEUM_PROVIDER_ID
  const returnUrl = returnUrlFor(String(cart.id), options)
  const rules = { providerId, amount: cart.total, minValidityMs: options.minValidityMs, now: options.now }
  const live = reusableMeumSession(cart.payment_collection, { ...rules, ...(returnUrl !== undefined ? { returnUrl } : {}) })
  if (live) return { ...live, status: String(findMeumSession(cart.payment_collection, providerId).status) }
  const refusal = refusalOf(cart, providerId)
  if (refusal) throw refusal

  const { payment_collection } = await initiateMeumSession(
    sdk,
    cart,
    { provider_id: providerId, ...(returnUrl !== undefined ? { data: { return_url: returnUrl } } : {}) },
    options.headers
  )
  const session = findMeumSession(payment_collection, providerId)
  const checkoutUrl = session?.data?.checkout_url
  if (!session || typeof checkoutUrl !== "string" || checkoutUrl === "") {
    throw new MeumCheckoutError("invoice_not_payable", "Meum did not return a checkout URL for this cart: the invoice cannot be paid. Please try again or choose another payment method.")
  }
  return { ...checkoutStartOf(session, checkoutUrl), reused: false, status: String(session.status) }
}

/**
 * The Meum `checkout_url` to send the shopper to for this cart. Throws MeumCheckoutError:
 * `cart_completed` (already an order: show it instead), `already_paid`, `under_review`,
 * `too_many_attempts`, `invoice_not_payable`, `cart_not_found`,
 * `payment_refused` (the store answered 4xx: show its message).
 */
export async function meumRedirectUrl(sdk: MeumStorefrontSdk, cartId: string, options: MeumRedirectOptions = {}): Promise<string> {
  const cart = await retrieveMeumCart(sdk, cartId, options.headers)
  if (cart.completed_at) {
    throw new MeumCheckoutError("cart_completed", `Cart ${cartId} is already completed: its order was placed`)
  }
  return (await ensureMeumSession(sdk, cart, options)).checkoutUrl
}
