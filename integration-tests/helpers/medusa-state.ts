/** Reads what Medusa committed, straight from its modules (no HTTP, no cache). */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"

export async function ordersForCart(container: MedusaContainer, cartId: string): Promise<string[]> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "order_cart", fields: ["order_id"], filters: { cart_id: cartId } })
  return (data as Array<{ order_id: string }>).map((row) => row.order_id)
}

export async function sessionState(container: MedusaContainer, sessionId: string) {
  const payment = container.resolve(Modules.PAYMENT)
  const [session] = await payment.listPaymentSessions({ id: sessionId }, { relations: ["payment", "payment.captures"] })
  return session as any
}

export async function capturesForCollection(container: MedusaContainer, paymentCollectionId: string) {
  const payment = container.resolve(Modules.PAYMENT)
  // Filtered by its column: Medusa's FilterablePaymentProps (2.21) does not list payment_collection_id, the query accepts it.
  const byCollection = { payment_collection_id: paymentCollectionId } as Parameters<typeof payment.listPayments>[0]
  const payments = await payment.listPayments(byCollection, { relations: ["captures"] })
  return {
    payments: payments.length,
    captures: payments.reduce((sum: number, p: any) => sum + (p.captures?.length ?? 0), 0),
    capturedAt: payments.map((p: any) => p.captured_at),
  }
}
