/** Reading a cart's Meum payment session: which one is ours, and can the shopper still pay it as is. */
import { isSafeCheckoutUrl } from "./checkout-url"
import { MeumCheckoutError } from "./errors"

/** What the helper hands back for a payable Meum session (serialisable: fine as a server action result). */
export interface MeumCheckoutStart {
  checkoutUrl: string
  sessionId: string
  invoiceId: string
  expiresAt: string | null
  /** The cart's existing open invoice was reused (nothing was created). */
  reused?: boolean
}

/**
 * Meum invoice statuses that can still be paid (session `data.status`). The storefront entry imports
 * only its own files, so this is the status table's open phase spelled out; a unit test keeps them equal.
 */
export const OPEN_INVOICE = new Set(["pending", "quoted", "awaiting_payment"])
/** Session statuses of an open invoice: `pending` (pay-first) or `pending_authorization` (order-first). */
const LIVE_SESSION = new Set(["pending", "pending_authorization"])

/** The cart's (or collection's) session of this exact Meum registration, if any. */
export function findMeumSession(collection: unknown, providerId: string): any | undefined {
  const sessions = (collection as { payment_sessions?: unknown } | null | undefined)?.payment_sessions
  return Array.isArray(sessions) ? sessions.find((s: any) => s?.provider_id === providerId) : undefined
}

export interface ReuseRules {
  providerId: string
  /** The amount the invoice must be for: the cart total (or, for startMeumCheckout, the collection amount). */
  amount: unknown
  /** When given, the session must have been created with this return URL. */
  returnUrl?: string
  /** The invoice must stay payable at least this long (an expiring invoice is replaced). */
  minValidityMs?: number
  now?: () => number
}

/**
 * The session as a checkout start if the shopper can still pay it as is: a checkout_url, an open
 * invoice, a live session status, the same amount, not about to expire, and (when asked) the same
 * return URL. Otherwise undefined: a new session must be initiated.
 */
export function reusableMeumSession(collection: unknown, rules: ReuseRules): MeumCheckoutStart | undefined {
  const session = findMeumSession(collection, rules.providerId)
  const data = session?.data
  if (!session || !data || !isSafeCheckoutUrl(data.checkout_url) || !OPEN_INVOICE.has(String(data.status))) return undefined
  if (!LIVE_SESSION.has(String(session.status))) return undefined
  if (rules.amount === undefined || rules.amount === null || Number(session.amount) !== Number(rules.amount)) return undefined
  if (rules.returnUrl !== undefined && data.return_url !== rules.returnUrl) return undefined
  if (typeof data.expires_at === "string") {
    const expiresAt = Date.parse(data.expires_at)
    const now = (rules.now ?? Date.now)()
    if (Number.isFinite(expiresAt) && expiresAt - now < (rules.minValidityMs ?? 60_000)) return undefined
  }
  return { ...checkoutStartOf(session, data.checkout_url), reused: true }
}

/** Throws invoice_not_payable for a checkout_url that is not https (http on localhost excepted). */
export function checkoutStartOf(session: any, checkoutUrl: string): MeumCheckoutStart {
  if (!isSafeCheckoutUrl(checkoutUrl)) {
    throw new MeumCheckoutError("invoice_not_payable", "Meum gave this payment a checkout address that is not secure (https): it is not used. Please choose another payment method.")
  }
  return {
    checkoutUrl,
    sessionId: String(session.id),
    invoiceId: String(session.data?.invoice_id),
    expiresAt: session.data?.expires_at ?? null,
  }
}
