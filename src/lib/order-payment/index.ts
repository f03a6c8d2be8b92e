/**
 * `medusa-payment-meum/order-payment`: for the merchant's subscribers. An order-first order is
 * placed (Medusa emits `order.placed`) before the shopper pays Meum's invoice; its money arrives
 * later with `payment.captured`. These read Medusa's records of the order — committed before
 * either event is emitted — so a subscriber of either event can tell, at that moment, whether the
 * order is paid. See docs/production.md, "Order-first: confirm the order when the money arrives".
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MedusaError, OrderWorkflowEvents, PaymentEvents } from "@medusajs/framework/utils"
import { isMeumProviderId } from "../provider-registry"
import { meumPaymentState, type MeumPaymentState, type OrderPaymentFacts } from "./state"

export { meumPaymentState, type MeumPaymentState, type OrderPaymentFacts } from "./state"

type Graph = { graph: (config: { entity: string; fields: string[]; filters: Record<string, unknown> }) => Promise<{ data: unknown[] }> }
const queryOf = (container: MedusaContainer) => container.resolve(ContainerRegistrationKeys.QUERY) as unknown as Graph

const ORDER_PAYMENT_FIELDS = [
  "id",
  "status",
  "payment_collections.payment_sessions.provider_id",
  "payment_collections.payments.provider_id",
  "payment_collections.payments.captures.id",
]

/**
 * "awaiting_payment" | "paid" | "canceled" | "not_meum" for an order (see ./state.ts). Throws
 * MedusaError NOT_FOUND for an unknown order id.
 */
export async function meumPaymentStateOfOrder(container: MedusaContainer, orderId: string): Promise<MeumPaymentState> {
  const { data } = await queryOf(container).graph({ entity: "order", fields: ORDER_PAYMENT_FIELDS, filters: { id: orderId } })
  const order = data[0] as OrderPaymentFacts | undefined
  if (!order) throw new MedusaError(MedusaError.Types.NOT_FOUND, `Order ${orderId} was not found`)
  return meumPaymentState(order)
}

async function paymentOf(container: MedusaContainer, paymentId: string) {
  const { data } = await queryOf(container).graph({ entity: "payment", fields: ["id", "provider_id", "payment_collection_id"], filters: { id: paymentId } })
  return data[0] as { provider_id?: string; payment_collection_id?: string } | undefined
}

async function orderIdOfCollection(container: MedusaContainer, collectionId: string | undefined): Promise<string | undefined> {
  if (!collectionId) return undefined
  const { data } = await queryOf(container).graph({ entity: "order_payment_collection", fields: ["order_id"], filters: { payment_collection_id: collectionId } })
  return (data[0] as { order_id?: string } | undefined)?.order_id ?? undefined
}

/** The order a payment belongs to (through its payment collection), if it has one yet. */
export async function orderIdOfPayment(container: MedusaContainer, paymentId: string): Promise<string | undefined> {
  return orderIdOfCollection(container, (await paymentOf(container, paymentId))?.payment_collection_id)
}

/**
 * For a subscriber of `order.placed` and `payment.captured`: the id of the order whose "order
 * confirmed" notification is due now, or undefined.
 * - `order.placed`: the order, unless it is awaiting its Meum payment (order-first) or cancelled.
 *   Orders of other providers are confirmed here.
 * - `payment.captured` of a Meum payment: its order once paid — the moment an order-first order's
 *   money arrives. Undefined for other providers' captures (their `order.placed` confirmed them).
 * Both events can find the same order paid (an invoice paid before `order.placed` was handled):
 * send with an idempotency key (Medusa's notification module has one) so the shopper gets one.
 */
export async function meumOrderToConfirm(container: MedusaContainer, event: { name: string; data: { id: string } }): Promise<string | undefined> {
  if (event.name === OrderWorkflowEvents.PLACED) {
    const state = await meumPaymentStateOfOrder(container, event.data.id)
    return state === "paid" || state === "not_meum" ? event.data.id : undefined
  }
  if (event.name === PaymentEvents.CAPTURED) {
    const payment = await paymentOf(container, event.data.id)
    if (!isMeumProviderId(payment?.provider_id)) return undefined
    const orderId = await orderIdOfCollection(container, payment!.payment_collection_id)
    if (!orderId) return undefined
    return (await meumPaymentStateOfOrder(container, orderId)) === "paid" ? orderId : undefined
  }
  return undefined
}
