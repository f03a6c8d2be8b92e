"use server"
import { revalidatePath } from "next/cache"
import { redirect } from "next/navigation"
import { getSdk } from "../config"
import { getCartId, removeCartId, setCartId } from "./cookies"
import { getRegion } from "./regions"

const COUNTRY = /^[a-z]{2}$/

/**
 * The cart of the cookie, or a new one. A completed cart counts as none: a shopper who paid and
 * never came back (the webhook placed the order) still has its id in the cookie, and adding to a
 * completed cart fails ("Cart … is already completed").
 */
async function getOrSetCart(countryCode: string): Promise<string> {
  const region = await getRegion(countryCode)
  if (!region) throw new Error(`No region ships to ${countryCode}`)
  const sdk = getSdk()
  const cartId = await getCartId()
  let cart: { id: string; region_id?: string | null; completed_at?: string | null } | null = null
  if (cartId) {
    cart = await sdk.store.cart
      .retrieve(cartId, { fields: "id,region_id,completed_at" })
      .then(({ cart }) => cart as typeof cart & { completed_at?: string | null })
      .catch((error) => {
        if ((error as { status?: number }).status === 404) return null
        throw error
      })
  }
  if (cart?.completed_at) cart = null
  if (!cart) {
    const created = await sdk.store.cart.create({ region_id: region.id })
    await setCartId(created.cart.id)
    return created.cart.id
  }
  if (cart.region_id !== region.id) await sdk.store.cart.update(cart.id, { region_id: region.id })
  return cart.id
}

export async function addToCart(formData: FormData): Promise<void> {
  const countryCode = String(formData.get("countryCode") ?? "")
  const variantId = String(formData.get("variantId") ?? "")
  const quantity = Math.max(1, Math.floor(Number(formData.get("quantity") ?? 1)) || 1)
  if (!COUNTRY.test(countryCode) || !variantId) throw new Error("Bad add-to-cart request")
  const cartId = await getOrSetCart(countryCode)
  await getSdk().store.cart.createLineItem(cartId, { variant_id: variantId, quantity })
  redirect(`/${countryCode}/cart`)
}

export async function updateLineItem(formData: FormData): Promise<void> {
  const countryCode = String(formData.get("countryCode") ?? "")
  const lineId = String(formData.get("lineId") ?? "")
  const quantity = Math.floor(Number(formData.get("quantity")))
  if (!COUNTRY.test(countryCode) || !lineId || !Number.isFinite(quantity) || quantity < 0) throw new Error("Bad cart update")
  const cartId = await getCartId()
  if (!cartId) redirect(`/${countryCode}/cart`)
  const sdk = getSdk()
  // Medusa refreshes the payment collection on a cart change: the Meum session (and its invoice) is deleted.
  if (quantity === 0) await sdk.store.cart.deleteLineItem(cartId, lineId)
  else await sdk.store.cart.updateLineItem(cartId, lineId, { quantity })
  revalidatePath(`/${countryCode}/cart`)
}

/** The confirmation page calls this once: a completed cart must not stay in the cookie. */
export async function clearCompletedCart(): Promise<void> {
  const cartId = await getCartId()
  if (!cartId) return
  const completed = await getSdk()
    .store.cart.retrieve(cartId, { fields: "id,completed_at" })
    .then(({ cart }) => Boolean((cart as { completed_at?: string | null }).completed_at))
    .catch((error) => (error as { status?: number }).status === 404)
  if (completed) await removeCartId()
}
