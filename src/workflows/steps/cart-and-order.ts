/**
 * The links between a cart, its payment collection and the order placed from it, read through
 * Medusa's query (the link tables cart_payment_collection and order_cart). The one place the
 * workflow's steps (and the webhook route) ask these questions.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"

type Resolver = Pick<MedusaContainer, "resolve">

/** The payment collection of a cart, if it has one. */
export async function collectionOfCart(container: Resolver, cartId: string): Promise<string | undefined> {
  const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "cart_payment_collection", fields: ["payment_collection_id"], filters: { cart_id: cartId } })
  return (data[0] as { payment_collection_id?: string } | undefined)?.payment_collection_id
}

/** The order placed from a cart, if any. */
export async function orderOfCart(container: Resolver, cartId: string): Promise<string | undefined> {
  const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "order_cart", fields: ["order_id"], filters: { cart_id: cartId } })
  return (data[0] as { order_id?: string } | undefined)?.order_id
}

/** The cart linked to a payment collection, and the order placed from it, if any. */
export async function cartAndOrder(container: Resolver, paymentCollectionId: string): Promise<{ cartId?: string; orderId?: string }> {
  const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "cart_payment_collection", fields: ["cart_id"], filters: { payment_collection_id: paymentCollectionId } })
  const cartId = (data[0] as { cart_id?: string } | undefined)?.cart_id
  if (!cartId) return {}
  return { cartId, orderId: await orderOfCart(container, cartId) }
}
