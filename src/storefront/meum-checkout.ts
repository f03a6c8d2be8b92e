/**
 * Storefront helper for Meum checkout (e.g. in a Next.js storefront), built on @medusajs/js-sdk.
 * Imports nothing from the server side.
 *
 *   const { checkoutUrl } = await startMeumCheckout(sdk, cart, { returnUrl })
 *   window.location.href = checkoutUrl
 *   // on the return page:
 *   const outcome = await completeMeumCheckout(sdk, cartId)
 *   // "order" → show it · "pending" → "waiting for payment confirmation" · "restart" → pay again
 *   // "underpaid" / "under_review" → the payment is kept for the merchant: do not start again
 *
 * For server actions and route handlers (cart id in, one step per call) see meumRedirectUrl,
 * attemptMeumCompletion, buildMeumReturnUrl / parseMeumReturnUrl and completeThenRedirect.
 */
import { completeOnce } from "./attempt-completion"
import { MEUM_PROVIDER_ID, type MeumClosedReason } from "./constants"
import { MeumCheckoutError } from "./errors"
import { initiateMeumSession } from "./initiate"
import { refusalOf } from "./refusals"
import type { MeumSdkHeaders, MeumStorefrontSdk } from "./sdk"
import { checkoutStartOf, findMeumSession, reusableMeumSession, type MeumCheckoutStart } from "./session"

export { HELD_MESSAGES, MEUM_PROVIDER_ID } from "./constants"
export type { MeumStorefrontSdk } from "./sdk"
export type { MeumCheckoutStart } from "./session"

export async function startMeumCheckout(
  sdk: MeumStorefrontSdk,
  cart: { id: string } & Record<string, unknown>,
  options: { returnUrl?: string; providerId?: string } = {}
): Promise<MeumCheckoutStart> {
  const providerId = options.providerId ?? MEUM_PROVIDER_ID
  // Revisiting the payment step with an unchanged cart reuses the open invoice: no cancel + create
  // (each create spends Meum's shared 30/min, and the shopper may already be paying it).
  const collection = cart.payment_collection as { amount?: unknown } | undefined
  const live = reusableMeumSession(collection, { providerId, amount: collection?.amount })
  if (live) return live
  // A paid or held cart is never initiated again (MeumCheckoutError cart_completed / already_paid / under_review).
  const refusal = refusalOf(cart, providerId)
  if (refusal) throw refusal
  const { payment_collection } = await initiateMeumSession(sdk, cart, {
    provider_id: providerId,
    ...(options.returnUrl ? { data: { return_url: options.returnUrl } } : {}),
  })
  const session = findMeumSession(payment_collection, providerId)
  const checkoutUrl = session?.data?.checkout_url
  if (!session || typeof checkoutUrl !== "string") {
    throw new MeumCheckoutError("invoice_not_payable", "Meum did not return a checkout URL for this cart")
  }
  return checkoutStartOf(session, checkoutUrl)
}

export type MeumCompletion =
  | { kind: "order"; order: any }
  | { kind: "pending" }
  /** Paid less than asked: the payment is kept for the merchant to accept or refund — do not start again. */
  | { kind: "underpaid"; paidAmount?: string; message: string }
  /** Paid, but not as asked (amount or currency): held for the merchant — do not start again. */
  | { kind: "under_review"; message: string }
  | { kind: "restart"; reason: MeumClosedReason; message?: string }

export interface CompleteOptions {
  /** Stop polling after this long and answer "pending" (the webhook will still place the order). */
  maxWaitMs?: number
  pollIntervalMs?: number
  signal?: AbortSignal
  providerId?: string
  headers?: MeumSdkHeaders
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  now?: () => number
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener("abort", () => {
      clearTimeout(timer)
      resolve()
    })
  })

/**
 * Completes the cart after the shopper comes back from Meum, polling attemptMeumCompletion within
 * a bound: order → done; not paid yet (400) or completion in progress (409, e.g. the webhook is
 * placing the order right now) → wait and retry; a dead invoice → restart; held → its own outcome.
 */
export async function completeMeumCheckout(
  sdk: MeumStorefrontSdk,
  cartId: string,
  options: CompleteOptions = {}
): Promise<MeumCompletion> {
  const sleep = options.sleep ?? defaultSleep
  const now = options.now ?? Date.now
  const deadline = now() + (options.maxWaitMs ?? 60_000)
  const interval = options.pollIntervalMs ?? 2_000

  for (;;) {
    const { attempt, order } = await completeOnce(sdk, cartId, { providerId: options.providerId, headers: options.headers })
    switch (attempt.kind) {
      case "order":
        return { kind: "order", order }
      case "underpaid":
        return { kind: "underpaid", paidAmount: attempt.paidAmount, message: attempt.message }
      case "under_review":
        return { kind: "under_review", message: attempt.message }
      case "closed":
        return { kind: "restart", reason: attempt.reason, message: attempt.detail }
      case "not_paid_yet":
      case "in_progress":
        break
    }
    if (options.signal?.aborted || now() + interval > deadline) return { kind: "pending" }
    await sleep(interval, options.signal)
  }
}
