/**
 * Whether a payment collection may get a new Meum invoice at all (issue 18, invariant 13): a
 * cart that is completed, has an order, or holds money (a captured/authorized payment, a paid
 * or under-review invoice) never gets a new payable one — a second payment of the same order.
 *
 * Pure: the facts are read by the middleware from what only the server writes (the cart, the
 * order link, payments, session statuses, the ledger), never from session `data`.
 */
export type SessionGuardVerdict =
  | { kind: "allow" }
  | { kind: "paid"; why: string }
  | { kind: "under_review"; why: string }
  | { kind: "refund_pending"; why: string }
  | { kind: "order_canceled"; why: string }

export interface SessionGuardFacts {
  cart?: { id: string; completed_at?: unknown; order_id?: string | null; order_status?: string | null } | null
  /** Every session of the collection (all providers): status is written by Medusa/the provider. */
  sessions: Array<{ id: string; provider_id: string; status?: string | null; captured?: boolean }>
  /** Ledger states of the invoices of this cart (or collection). */
  ledgerStates: string[]
  /** Their attention reasons (needs_attention rows). */
  ledgerReasons?: string[]
  /** Sessions whose invoice the merchant marked resolved in the ledger: no longer held. */
  settledSessionIds?: string[]
}

/** Session statuses that mean money moved (the order is paid, or about to be). */
const PAID_SESSION = new Set(["captured", "authorized"])
/** Session statuses of money the merchant must decide on (underpaid). */
const HELD_SESSION = new Set(["requires_more"])
const PAID_LEDGER = new Set(["paid", "completed"])
const HELD_LEDGER = new Set(["needs_attention"])

export function sessionGuardVerdict(facts: SessionGuardFacts): SessionGuardVerdict {
  // Order-first: a rejected underpayment or an expired invoice cancelled the order, and the cart
  // stays completed — "already paid" would be untrue; the shopper needs a new cart.
  if (facts.cart?.order_id && facts.cart.order_status === "canceled") return { kind: "order_canceled", why: `order ${facts.cart.order_id} of cart ${facts.cart.id} is canceled` }
  if (facts.cart?.completed_at) return { kind: "paid", why: `cart ${facts.cart.id} is completed` }
  if (facts.cart?.order_id) return { kind: "paid", why: `cart ${facts.cart.id} has order ${facts.cart.order_id}` }
  for (const session of facts.sessions) {
    if (session.captured || PAID_SESSION.has(String(session.status))) return { kind: "paid", why: `session ${session.id} is ${session.captured ? "captured" : session.status}` }
  }
  if (facts.ledgerStates.some((state) => PAID_LEDGER.has(state))) return { kind: "paid", why: "the ledger holds a paid invoice" }
  // The merchant refused an underpayment: the shopper is owed a refund before paying again.
  if (facts.ledgerReasons?.includes("refund_due")) return { kind: "refund_pending", why: "the merchant refused an underpayment and has not marked its refund done" }
  for (const session of facts.sessions) {
    // A merchant who marked the invoice resolved (refunded it) frees the cart; the session keeps requires_more.
    if (HELD_SESSION.has(String(session.status)) && !facts.settledSessionIds?.includes(session.id)) return { kind: "under_review", why: `session ${session.id} is ${session.status}` }
  }
  if (facts.ledgerStates.some((state) => HELD_LEDGER.has(state))) return { kind: "under_review", why: "the ledger holds an invoice for the merchant to review" }
  return { kind: "allow" }
}
