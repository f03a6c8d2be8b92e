/**
 * Where an order stands with its Meum payment, for the merchant's own subscribers (the "order
 * confirmed" email of an order-first order must wait for the money). Pure: the facts are Medusa's
 * own records of the order (its status, its payment collections' sessions, payments and captures),
 * all written by the server before `order.placed` is emitted — never session `data`, never
 * metadata a concurrent subscriber may not have written yet.
 */
import { isMeumProviderId } from "../provider-registry"

export type MeumPaymentState =
  /** A Meum session, no capture yet: an order-first order before Meum's invoice is paid (or under review). */
  | "awaiting_payment"
  /** A Meum payment of the order has a capture: the money arrived (a merchant-accepted shortfall counts). */
  | "paid"
  /** The order is cancelled (the plugin cancels an order-first order whose invoice died, after the grace period). */
  | "canceled"
  /** No Meum session or payment on the order: another provider's order. */
  | "not_meum"

export interface OrderPaymentFacts {
  status?: string | null
  payment_collections?: Array<{
    payment_sessions?: Array<{ provider_id?: string | null } | null> | null
    payments?: Array<{ provider_id?: string | null; captures?: Array<unknown> | null } | null> | null
  } | null> | null
}

export function meumPaymentState(order: OrderPaymentFacts): MeumPaymentState {
  const collections = (order.payment_collections ?? []).filter((c) => !!c)
  const sessions = collections.flatMap((c) => c!.payment_sessions ?? []).filter((s) => isMeumProviderId(s?.provider_id))
  const payments = collections.flatMap((c) => c!.payments ?? []).filter((p) => isMeumProviderId(p?.provider_id))
  if (!sessions.length && !payments.length) return "not_meum"
  // Cancelled wins over paid: no "order confirmed" for an order the merchant (or the plugin) cancelled.
  if (order.status === "canceled") return "canceled"
  return payments.some((p) => (p?.captures ?? []).length > 0) ? "paid" : "awaiting_payment"
}
