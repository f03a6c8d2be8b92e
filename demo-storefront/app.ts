// The demo storefront's script, bundled for the browser by scripts/demo/run.js (esbuild): the
// real @medusajs/js-sdk plus this package's storefront helper, exactly as a storefront uses them.
import Medusa from "@medusajs/js-sdk"
import { completeMeumCheckout, startMeumCheckout } from "../src/storefront"

interface DemoConfig {
  storeApi: string
  publishableKey: string
  regionId: string
  variantId: string
  unitPrice: number
}

const byId = (id: string) => document.getElementById(id)!

async function main() {
  const config: DemoConfig = await (await fetch("/demo.json")).json()
  const sdk = new Medusa({ baseUrl: config.storeApi, publishableKey: config.publishableKey })
  const cartId = new URLSearchParams(location.search).get("cart_id")

  if (!cartId) {
    byId("price").textContent = `${config.unitPrice.toFixed(2)} USD`
    byId("pay").addEventListener("click", async () => {
      byId("status").textContent = "Creating your invoice…"
      const { cart } = await sdk.store.cart.create({ region_id: config.regionId, email: "shopper@example.com" })
      const { cart: withItem } = await sdk.store.cart.createLineItem(cart.id, { variant_id: config.variantId, quantity: 1 })
      const { checkoutUrl } = await startMeumCheckout(sdk as any, withItem as any, {
        returnUrl: `${location.origin}/return.html?cart_id=${cart.id}`,
      })
      location.href = checkoutUrl
    })
    return
  }

  byId("heading").textContent = "Waiting for payment confirmation…"
  const outcome = await completeMeumCheckout(sdk as any, cartId, { maxWaitMs: 120_000, pollIntervalMs: 1000 })
  if (outcome.kind === "order") {
    byId("heading").textContent = `Order #${outcome.order.display_id} placed`
    byId("detail").textContent = `Paid ${outcome.order.total} ${String(outcome.order.currency_code).toUpperCase()} with crypto via Meum.`
    byId("detail").dataset.orderId = outcome.order.id
  } else if (outcome.kind === "pending") {
    byId("detail").textContent = "Still waiting for Meum's confirmation: this page will not update by itself, reload it in a minute."
  } else if (outcome.kind === "underpaid" || outcome.kind === "under_review") {
    // The payment is kept for the merchant: starting again would not help the shopper.
    byId("heading").textContent = "Payment received, under review"
    byId("detail").textContent = outcome.message
  } else {
    byId("heading").textContent = "Payment not completed"
    byId("detail").textContent = `Please start again (${outcome.reason}).`
  }
}

void main()
