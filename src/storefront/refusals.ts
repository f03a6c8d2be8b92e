/**
 * A cart that is paid or whose payment waits for the merchant must never get a new invoice
 * (issue 18): the helpers check before they initiate, and turn the store API's refusals into
 * MeumCheckoutErrors a storefront can show (the server refuses too: these checks only spare a
 * request and show the right words).
 */
import { SESSION_REFUSED_MESSAGES, type MeumSessionRefusal } from "./constants"
import { MeumCheckoutError } from "./errors"
import { findMeumSession } from "./session"

/** Session statuses / invoice statuses of money that already arrived. */
const PAID_SESSION = new Set(["captured", "authorized"])
const HELD_SESSION = new Set(["requires_more"])
const LIVE_SESSION = new Set(["pending", "pending_authorization"])

/** Why this cart must not be paid again, as far as the storefront can see; undefined when it may. */
export function refusalOf(cart: { completed_at?: unknown; payment_collection?: unknown; [key: string]: unknown }, providerId: string): MeumCheckoutError | undefined {
  if (cart.completed_at) return new MeumCheckoutError("cart_completed", "This cart is already completed: its order was placed")
  const session = findMeumSession(cart.payment_collection, providerId)
  if (!session) return undefined
  // The invoice status in `data` is a snapshot: it only speaks for a session still waiting for payment
  // (a rejected underpayment leaves data.status "underpaid" on a canceled session, and the cart is payable).
  const live = LIVE_SESSION.has(String(session.status))
  const invoiceStatus = live ? String(session.data?.status ?? "") : ""
  if (PAID_SESSION.has(String(session.status)) || invoiceStatus === "paid") return refused("already_paid")
  if (HELD_SESSION.has(String(session.status)) || invoiceStatus === "underpaid") return refused("under_review")
  return undefined
}

const refused = (code: MeumSessionRefusal, status?: number) => new MeumCheckoutError(code, SESSION_REFUSED_MESSAGES[code], status)

/** The store's refusal of a new session for this cart (paid, under review, over budget), if this error is one. */
export function refusalOfStoreError(status: number | undefined, message: unknown): MeumCheckoutError | undefined {
  if (status === 429 && message === SESSION_REFUSED_MESSAGES.too_many_attempts) return refused("too_many_attempts", status)
  if (status === 400 && message === SESSION_REFUSED_MESSAGES.already_paid) return refused("already_paid", status)
  if (status === 400 && message === SESSION_REFUSED_MESSAGES.under_review) return refused("under_review", status)
  if (status === 400 && message === SESSION_REFUSED_MESSAGES.refund_pending) return refused("refund_pending", status)
  if (status === 400 && message === SESSION_REFUSED_MESSAGES.order_canceled) return refused("order_canceled", status)
  return undefined
}
