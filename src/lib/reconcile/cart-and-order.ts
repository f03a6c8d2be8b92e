/** The cart linked to a payment collection, and the order placed from it, if any. */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"

export async function cartAndOrder(
  container: MedusaContainer,
  paymentCollectionId: string
): Promise<{ cartId?: string; orderId?: string }> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data: links } = await query.graph({
    entity: "cart_payment_collection",
    fields: ["cart_id"],
    filters: { payment_collection_id: paymentCollectionId },
  })
  const cartId = (links[0] as { cart_id?: string } | undefined)?.cart_id
  if (!cartId) return {}
  const { data: orders } = await query.graph({ entity: "order_cart", fields: ["order_id"], filters: { cart_id: cartId } })
  return { cartId, orderId: (orders[0] as { order_id?: string } | undefined)?.order_id }
}
