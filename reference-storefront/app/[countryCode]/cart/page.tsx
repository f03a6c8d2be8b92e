import Link from "next/link"
import { LastOrderNotice } from "@/components/last-order-notice"
import { PayWithCrypto } from "@/components/pay-with-crypto"
import { updateLineItem } from "@/lib/data/cart"
import { retrieveCart } from "@/lib/data/cart-read"
import { formatMoney } from "@/lib/constants"
import { SESSION_REFUSED_MESSAGES } from "@meum/storefront"

/** A Meum session whose money arrived, or is held for the merchant: never offer to pay again. */
const heldNotice = (status: string | undefined): string | null =>
  status === "captured" || status === "authorized" ? SESSION_REFUSED_MESSAGES.already_paid : status === "requires_more" ? SESSION_REFUSED_MESSAGES.under_review : null

export const dynamic = "force-dynamic"

/** Cart and checkout in one: lines with quantities, email, "Pay with crypto". */
export default async function CartPage({ params }: { params: Promise<{ countryCode: string }> }) {
  const { countryCode } = await params
  const cart = await retrieveCart()
  if (cart?.completedAt) return <LastOrderNotice countryCode={countryCode} />
  if (!cart || cart.items.length === 0) {
    return (
      <p data-testid="cart-empty">
        Your cart is empty. <Link href={`/${countryCode}`}>Shop</Link>
      </p>
    )
  }
  return (
    <section data-testid="cart" data-cart-id={cart.id}>
      <h1>Your cart</h1>
      <ul>
        {cart.items.map((item) => (
          <li key={item.id} data-testid="cart-line">
            {item.title} · {formatMoney(item.unitPrice, cart.currency)} ×{" "}
            <form action={updateLineItem} style={{ display: "inline" }}>
              <input type="hidden" name="countryCode" value={countryCode} />
              <input type="hidden" name="lineId" value={item.id} />
              <input type="number" name="quantity" min={0} defaultValue={item.quantity} key={`${item.id}-${item.quantity}`} style={{ width: "4rem" }} data-testid="quantity-input" />
              <button type="submit" data-testid="update-quantity">Update</button>
            </form>{" "}
            = <span data-testid="line-total">{formatMoney(item.total, cart.currency)}</span>
          </li>
        ))}
      </ul>
      <p>
        Total: <strong data-testid="cart-total" data-amount={cart.total}>{formatMoney(cart.total, cart.currency)}</strong>
      </p>
      <h2>Checkout</h2>
      {heldNotice(cart.meumSession?.status) ? (
        <p role="status" data-testid="payment-held">
          {heldNotice(cart.meumSession?.status)}
        </p>
      ) : (
        <PayWithCrypto countryCode={countryCode} defaultEmail={cart.email ?? ""} />
      )}
    </section>
  )
}
