import { MEUM_CART_FIELDS, isMeumProvider } from "@meum/storefront"
import { getSdk } from "../config"
import { getCartId } from "./cookies"

export interface ShopCart {
  id: string
  email: string | null
  total: number
  currency: string
  completedAt: string | null
  items: Array<{ id: string; title: string; quantity: number; unitPrice: number; total: number }>
  /** The cart's Meum session, if any: its Medusa status and the invoice it pays. */
  meumSession: { id: string; status: string; invoiceId: string | null } | null
}

const CART_FIELDS = `${MEUM_CART_FIELDS},email,currency_code,*items`

/** The cart of the cookie, read fresh (no cache: the webhook may have completed it meanwhile). */
export async function retrieveCart(): Promise<ShopCart | null> {
  const cartId = await getCartId()
  if (!cartId) return null
  return retrieveCartById(cartId)
}

export async function retrieveCartById(cartId: string): Promise<ShopCart | null> {
  try {
    const { cart } = await getSdk().store.cart.retrieve(cartId, { fields: CART_FIELDS })
    const session = (cart.payment_collection?.payment_sessions ?? []).find((s) => isMeumProvider(s.provider_id))
    return {
      id: cart.id,
      email: cart.email ?? null,
      total: Number(cart.total ?? 0),
      currency: cart.currency_code ?? "usd",
      completedAt: ((cart as any).completed_at as string | null) ?? null,
      items: (cart.items ?? []).map((item) => ({
        id: item.id,
        title: item.title ?? "",
        quantity: Number(item.quantity),
        unitPrice: Number(item.unit_price ?? 0),
        total: Number(item.total ?? 0),
      })),
      meumSession: session ? { id: session.id, status: String(session.status), invoiceId: ((session.data as any)?.invoice_id as string) ?? null } : null,
    }
  } catch (error) {
    if ((error as { status?: number }).status === 404) return null
    throw error
  }
}
