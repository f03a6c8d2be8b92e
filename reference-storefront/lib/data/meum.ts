"use server"
/**
 * The Meum server actions. They run on the storefront's own origin (a same-site POST), so the
 * SameSite=strict cart cookie is there — unlike on the return from Meum's page.
 */
import {
  attemptMeumCompletion,
  completeThenRedirect,
  isMeumCheckoutError,
  meumRedirectUrl,
  parseMeumReturnUrl,
  statusOf,
  type MeumAttempt,
} from "@meum/storefront"
import { getSdk } from "../config"
import { baseUrl, orderFirstMode } from "../env"
import { retrieveCartById } from "./cart-read"
import { getCartId, removeCartId } from "./cookies"

const COUNTRY = /^[a-z]{2}$/
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export type StartResult = { url: string } | { error: string; code?: string }

/**
 * "Pay with crypto": the Meum checkout_url to send the shopper to (the client navigates: a
 * redirect() here would hide errors in NEXT_REDIRECT). Pay-first: reuses the cart's live invoice
 * or makes one. Order-first (env, or read from the session status): places the order first, then
 * hands back the invoice of the order — the same one on every click.
 */
export async function startMeumPayment(countryCode: string, email?: string): Promise<StartResult> {
  if (!COUNTRY.test(countryCode)) return { error: "Unknown country." }
  const cartId = await getCartId()
  if (!cartId) return { error: "Your cart has expired. Please add the product again.", code: "no_cart" }
  const sdk = getSdk()
  const options = { origin: baseUrl(), countryCode }
  try {
    const cart = await retrieveCartById(cartId)
    if (!cart) {
      await removeCartId()
      return { error: "Your cart has expired. Please add the product again.", code: "no_cart" }
    }
    if (cart.completedAt) {
      // Order-first: the order exists and waits for its invoice to be paid: pay that one again.
      if (cart.meumSession?.status === "pending_authorization") {
        return { url: (await completeThenRedirect(sdk, cartId, options)).redirectUrl }
      }
      await removeCartId()
      return { error: "This cart was already paid: your order was placed.", code: "cart_completed" }
    }
    if (cart.items.length === 0) return { error: "Your cart is empty.", code: "empty" }
    const wanted = email?.trim()
    if (wanted) {
      if (!EMAIL.test(wanted)) return { error: "Please enter a valid email address.", code: "email" }
      if (wanted !== cart.email) await sdk.store.cart.update(cartId, { email: wanted })
    } else if (!cart.email) {
      return { error: "Please enter your email address.", code: "email" }
    }

    const mode = orderFirstMode()
    if (mode !== "off") {
      try {
        return { url: (await completeThenRedirect(sdk, cartId, options)).redirectUrl }
      } catch (error) {
        // auto: a pay-first store answers `pending` sessions; the session just made is reused below.
        if (!(mode === "auto" && isMeumCheckoutError(error, "not_order_first"))) throw error
      }
    }
    return { url: await meumRedirectUrl(sdk, cartId, options) }
  } catch (error) {
    if (isMeumCheckoutError(error, "cart_completed")) {
      await removeCartId()
      return { error: "This cart was already paid: your order was placed.", code: "cart_completed" }
    }
    if (isMeumCheckoutError(error)) return { error: error.message, code: error.code }
    const status = statusOf(error)
    if (status !== undefined) return { error: `The store could not start the payment (${status}): ${(error as Error).message}`, code: "store_error" }
    throw error
  }
}

export type PollResult = (MeumAttempt & { countryCode: string }) | { kind: "invalid" } | { kind: "error"; message: string }

/** One completion attempt for the waiting page, with its own query string (cart_id, country_code). */
export async function pollMeum(query: string): Promise<PollResult> {
  const parsed = parseMeumReturnUrl(`/?${query}`)
  if (!parsed.ok) return { kind: "invalid" }
  try {
    const attempt = await attemptMeumCompletion(getSdk(), parsed.cartId)
    if (attempt.kind === "order" && (await getCartId()) === parsed.cartId) await removeCartId()
    return { ...attempt, countryCode: attempt.kind === "order" ? attempt.countryCode ?? parsed.countryCode : parsed.countryCode }
  } catch (error) {
    return { kind: "error", message: (error as Error).message }
  }
}

