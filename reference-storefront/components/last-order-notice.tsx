import Link from "next/link"
import { attemptMeumCompletion } from "@meum/storefront"
import { getSdk } from "@/lib/config"
import { retrieveCart } from "@/lib/data/cart-read"
import { retrieveOrder } from "@/lib/data/orders"
import { formatMoney } from "@/lib/constants"
import { PayWithCrypto } from "./pay-with-crypto"

/**
 * The cookie's cart was completed — typically by Meum's webhook while the shopper never came back
 * from the payment page. Show that order (completing a completed cart answers its order), instead
 * of a cart that can no longer change. The next add-to-cart starts a fresh cart.
 */
export async function LastOrderNotice({ countryCode }: { countryCode: string }) {
  const cart = await retrieveCart()
  if (!cart?.completedAt) return null
  const attempt = await attemptMeumCompletion(getSdk(), cart.id).catch(() => null)
  if (attempt?.kind !== "order") return null
  const order = await retrieveOrder(attempt.orderId)
  if (!order) return null
  const awaiting = cart.meumSession?.status === "pending_authorization"
  return (
    <section data-testid="last-order" data-order-id={order.id} data-cart-id={cart.id} style={{ border: "1px solid #8c8", borderRadius: 8, padding: "1rem", marginBottom: "1rem" }}>
      <p>
        Your last order <strong data-testid="last-order-number">#{order.displayId}</strong> ({formatMoney(order.total, order.currency)}) was placed
        {awaiting ? ", and is waiting for your payment." : "."}
      </p>
      <p>
        <Link href={`/${countryCode}/order/${order.id}/confirmed`} data-testid="last-order-link">View your order</Link>
      </p>
      {awaiting ? <PayWithCrypto countryCode={countryCode} label="Pay for your order" needsEmail={false} /> : null}
    </section>
  )
}
