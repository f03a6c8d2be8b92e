import { notFound } from "next/navigation"
import { ClearCompletedCart } from "@/components/clear-completed-cart"
import { RefreshWhile } from "@/components/refresh-while"
import { retrieveOrder } from "@/lib/data/orders"
import { formatMoney, paymentTitle } from "@/lib/constants"
import { pollIntervalMs } from "@/lib/env"

export const dynamic = "force-dynamic"

const PAID = new Set(["captured", "partially_captured", "authorized", "partially_authorized"])

/**
 * The order confirmation. The payment title is looked up with a fallback (the starter's
 * `paymentInfoMap[id].title` crashes for a provider missing from its map), and the payment status
 * is read fresh from the store API (a storefront cannot run the plugin's server helpers): an
 * order-first order says "Awaiting payment" until Meum's webhook captures it ("Paid"), or
 * "Cancelled" once the plugin cancelled it because its invoice died.
 */
export default async function OrderConfirmedPage({ params }: { params: Promise<{ countryCode: string; id: string }> }) {
  const { id } = await params
  if (!/^order_[0-9A-Za-z]+$/.test(id)) notFound()
  const order = await retrieveOrder(id)
  if (!order) notFound()
  const canceled = order.status === "canceled"
  const paid = !canceled && PAID.has(order.paymentStatus)
  return (
    <section data-testid="order-confirmed" data-order-id={order.id}>
      <ClearCompletedCart />
      <RefreshWhile active={!paid && !canceled} intervalMs={pollIntervalMs()} />
      <h1>
        {canceled ? "Order" : "Thank you! Order"} <span data-testid="order-number">#{order.displayId}</span> {canceled ? "cancelled" : "placed"}
      </h1>
      {order.email && !canceled ? <p>{paid ? "A confirmation goes to" : "We email the confirmation once the payment arrives, to"} {order.email}.</p> : null}
      <ul>
        {order.items.map((item) => (
          <li key={item.id} data-testid="order-line" data-quantity={item.quantity}>
            {item.title} × {item.quantity} = {formatMoney(item.total, order.currency)}
          </li>
        ))}
      </ul>
      <p>
        Total: <strong data-testid="order-total" data-amount={order.total}>{formatMoney(order.total, order.currency)}</strong>
      </p>
      <p>
        Payment: <span data-testid="payment-provider" data-provider-id={order.providerId ?? ""}>{paymentTitle(order.providerId)}</span> ·{" "}
        <span data-testid="payment-status" data-status={order.paymentStatus} data-order-status={order.status}>
          {canceled ? "Cancelled" : paid ? "Paid" : "Awaiting payment"}
        </span>
      </p>
    </section>
  )
}
