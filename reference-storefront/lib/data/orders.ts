import { getSdk } from "../config"

export interface ShopOrder {
  id: string
  displayId: number | string
  email: string | null
  total: number
  currency: string
  /** Medusa's order status (`canceled` once the plugin cancels an order-first order whose invoice died). */
  status: string
  paymentStatus: string
  cartId: string | null
  providerId: string | null
  items: Array<{ id: string; title: string; quantity: number; total: number }>
}

/**
 * The order, read fresh (never cached: an order-first order is captured later by the webhook).
 * Returns null for an unknown id.
 */
export async function retrieveOrder(id: string): Promise<ShopOrder | null> {
  try {
    const { order } = await getSdk().store.order.retrieve(id, {
      fields: "id,status,display_id,email,total,currency_code,payment_status,cart.id,*items,*payment_collections,*payment_collections.payments,*payment_collections.payment_sessions",
    })
    const collection = (order as any).payment_collections?.[0]
    // Pay-first orders have a Payment at once; order-first ones only after capture: the session says the provider.
    const providerId = collection?.payments?.[0]?.provider_id ?? collection?.payment_sessions?.[0]?.provider_id ?? null
    return {
      id: order.id,
      displayId: order.display_id ?? order.id,
      email: order.email ?? null,
      total: Number(order.total ?? 0),
      currency: order.currency_code ?? "usd",
      status: String(order.status ?? "unknown"),
      paymentStatus: String((order as any).payment_status ?? "unknown"),
      cartId: (order as any).cart?.id ?? null,
      providerId,
      items: (order.items ?? []).map((item) => ({ id: item.id, title: item.title ?? "", quantity: Number(item.quantity), total: Number(item.total ?? 0) })),
    }
  } catch (error) {
    if ((error as { status?: number }).status === 404) return null
    throw error
  }
}
