import { cookies } from "next/headers"

/** As in Medusa's starter: httpOnly, SameSite=strict — so it is NOT sent when Meum's page sends the shopper back. */
export const CART_COOKIE = "_medusa_cart_id"

export async function getCartId(): Promise<string | undefined> {
  return (await cookies()).get(CART_COOKIE)?.value || undefined
}

/** Only in server actions and route handlers (Next refuses cookie writes while rendering). */
export async function setCartId(cartId: string): Promise<void> {
  ;(await cookies()).set(CART_COOKIE, cartId, {
    maxAge: 60 * 60 * 24 * 7,
    httpOnly: true,
    sameSite: "strict",
    secure: process.env.NODE_ENV === "production",
    path: "/",
  })
}

export async function removeCartId(): Promise<void> {
  ;(await cookies()).set(CART_COOKIE, "", { maxAge: -1, path: "/", httpOnly: true, sameSite: "strict", secure: process.env.NODE_ENV === "production" })
}
