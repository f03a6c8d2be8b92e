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
 */

export const MEUM_PROVIDER_ID = "pp_meum_meum"

/** The part of @medusajs/js-sdk's `Medusa` instance this helper uses. */
export interface MeumStorefrontSdk {
  store: {
    payment: {
      initiatePaymentSession(cart: any, body: { provider_id: string; data?: Record<string, unknown> }): Promise<{ payment_collection: any }>
    }
    cart: {
      complete(cartId: string): Promise<{ type: "order"; order: any } | { type: "cart"; cart: any; error?: any }>
      retrieve(cartId: string, query?: Record<string, unknown>): Promise<{ cart: any }>
    }
  }
}

export interface MeumCheckoutStart {
  checkoutUrl: string
  sessionId: string
  invoiceId: string
  expiresAt: string | null
  /** The cart's existing open invoice was reused (nothing was created). */
  reused?: boolean
}

export async function startMeumCheckout(
  sdk: MeumStorefrontSdk,
  cart: { id: string } & Record<string, unknown>,
  options: { returnUrl?: string; providerId?: string } = {}
): Promise<MeumCheckoutStart> {
  const providerId = options.providerId ?? MEUM_PROVIDER_ID
  // Revisiting the payment step with an unchanged cart reuses the open invoice: no cancel + create
  // (each create spends Meum's shared 30/min, and the shopper may already be paying it).
  const live = reusableSession(cart.payment_collection, providerId)
  if (live) return live
  const { payment_collection } = await sdk.store.payment.initiatePaymentSession(cart, {
    provider_id: providerId,
    ...(options.returnUrl ? { data: { return_url: options.returnUrl } } : {}),
  })
  const session = (payment_collection?.payment_sessions ?? []).find((s: any) => s.provider_id === providerId)
  const checkoutUrl = session?.data?.checkout_url
  if (!session || typeof checkoutUrl !== "string") {
    throw new Error("Meum did not return a checkout URL for this cart")
  }
  return {
    checkoutUrl,
    sessionId: session.id,
    invoiceId: String(session.data.invoice_id),
    expiresAt: session.data.expires_at ?? null,
  }
}

const OPEN_INVOICE = new Set(["pending", "quoted", "awaiting_payment"])

/** The cart's Meum session if it can still be paid as is: open invoice, same amount as the cart now. */
function reusableSession(collection: unknown, providerId: string): MeumCheckoutStart | undefined {
  const typed = collection as { amount?: unknown; payment_sessions?: any[] } | undefined
  const session = (typed?.payment_sessions ?? []).find((s: any) => s?.provider_id === providerId)
  const data = session?.data
  if (!session || !data || typeof data.checkout_url !== "string" || !OPEN_INVOICE.has(String(data.status))) return undefined
  if (!["pending", "pending_authorization"].includes(String(session.status))) return undefined
  if (typed?.amount === undefined || Number(session.amount) !== Number(typed.amount)) return undefined
  return { checkoutUrl: data.checkout_url, sessionId: session.id, invoiceId: String(data.invoice_id), expiresAt: data.expires_at ?? null, reused: true }
}

export type MeumCompletion =
  | { kind: "order"; order: any }
  | { kind: "pending" }
  /** Paid less than asked: the payment is kept for the merchant to accept or refund — do not start again. */
  | { kind: "underpaid"; paidAmount?: string; message: string }
  /** Paid, but not as asked (amount or currency): held for the merchant — do not start again. */
  | { kind: "under_review"; message: string }
  | { kind: "restart"; reason: "invoice_closed" | "payment_failed" | "session_missing" | "cart_error"; message?: string }

export interface CompleteOptions {
  /** Stop polling after this long and answer "pending" (the webhook will still place the order). */
  maxWaitMs?: number
  pollIntervalMs?: number
  signal?: AbortSignal
  providerId?: string
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

const RESTART_FOR_SESSION_STATUS: Record<string, Extract<MeumCompletion, { kind: "restart" }>["reason"]> = {
  canceled: "invoice_closed",
  error: "payment_failed",
}

export const HELD_MESSAGES = {
  underpaid: "We received less than the order total. Your payment is safe: the store will contact you to complete or refund it.",
  under_review: "We received your payment, but it does not match the order. The store will review it and contact you.",
} as const

/**
 * Completes the cart after the shopper comes back from Meum, handling Medusa's answers:
 * order → done; 400 (not paid yet) → poll within a bound; 409 (completion in progress, e.g. the
 * webhook is placing the order right now) → retry; a dead invoice → restart.
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
  const providerId = options.providerId ?? MEUM_PROVIDER_ID

  for (;;) {
    try {
      const result = await sdk.store.cart.complete(cartId)
      if (result.type === "order") return { kind: "order", order: result.order }
      return { kind: "restart", reason: "cart_error", message: result.error?.message }
    } catch (error) {
      const status = (error as { status?: number }).status
      if (status !== 400 && status !== 409) throw error
      if (status === 400) {
        const { cart } = await sdk.store.cart.retrieve(cartId, { fields: "*payment_collection.payment_sessions" })
        if (cart?.completed_at) continue // placed meanwhile: the next complete returns the order
        const session = (cart?.payment_collection?.payment_sessions ?? []).find((s: any) => s.provider_id === providerId)
        if (!session) return { kind: "restart", reason: "session_missing" }
        if (session.status === "requires_more") {
          return { kind: "underpaid", paidAmount: session.data?.paid_amount ?? undefined, message: HELD_MESSAGES.underpaid }
        }
        if (session.status === "error" && session.data?.meum_flag === "amount_mismatch") return { kind: "under_review", message: HELD_MESSAGES.under_review }
        const restart = RESTART_FOR_SESSION_STATUS[session.status]
        if (restart) return { kind: "restart", reason: restart }
      }
    }
    if (options.signal?.aborted || now() + interval > deadline) return { kind: "pending" }
    await sleep(interval, options.signal)
  }
}
