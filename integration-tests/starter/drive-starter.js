// Manual check (not in CI): drives Medusa's dtc-starter, with docs/official-starter.md applied, in
// Chromium against `npm run demo` (DEMO_STOREFRONT_ORIGINS=<the starter's origin>). See README.md here.
// Env: SHOP (the starter, default http://localhost:8000), STORE (default http://localhost:9110),
// PK (the demo's publishable key; default: .demo/seed.json). Exit code 1 when a journey fails.
"use strict"
const assert = require("node:assert/strict")
const path = require("node:path")
const { chromium } = require("playwright-core")
const { ensureChromium } = require("../../scripts/lib/ensure-chromium")

const root = path.resolve(__dirname, "../..")
const SHOP = process.env.SHOP || "http://localhost:8000"
const STORE = process.env.STORE || "http://localhost:9110"
const seed = require(path.join(root, ".demo/seed.json"))
const PK = process.env.PK || seed.publishableKey

async function api(method, url, body) {
  const res = await fetch(`${STORE}${url}`, {
    method,
    headers: { "content-type": "application/json", "x-publishable-api-key": PK },
    body: body ? JSON.stringify(body) : undefined,
  })
  const json = await res.json()
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`)
  return json
}

/** A cart ready for the payment step (what the starter's address and delivery steps produce). */
async function readyCart() {
  const address = { first_name: "Ada", last_name: "Shopper", address_1: "1 Main St", city: "Springfield", postal_code: "12345", country_code: "us" }
  const { cart } = await api("POST", "/store/carts", { region_id: seed.regionId, email: "starter-check@example.com" })
  await api("POST", `/store/carts/${cart.id}/line-items`, { variant_id: seed.variantId, quantity: 1 })
  await api("POST", `/store/carts/${cart.id}`, { shipping_address: address, billing_address: address })
  const { shipping_options } = await api("GET", `/store/shipping-options?cart_id=${cart.id}`)
  assert.ok(shipping_options.length, "the demo seeds a shipping option the starter's delivery step can use")
  await api("POST", `/store/carts/${cart.id}/shipping-methods`, { option_id: shipping_options[0].id })
  return cart.id
}

async function shopperWith(browser, cartId) {
  const context = await browser.newContext()
  await context.addCookies([{ name: "_medusa_cart_id", value: cartId, url: SHOP, sameSite: "Strict", httpOnly: true }])
  return context
}

/** Payment step → pick `title` → "Continue to review". */
async function pick(page, title) {
  await page.goto(`${SHOP}/us/checkout?step=payment`)
  await page.getByText(title, { exact: true }).first().click()
  await page.getByTestId("submit-payment-button").click()
  await page.waitForURL(/step=review/)
}

/** Review → "Pay with crypto" → Meum's hosted page (returns its URL). */
async function toHostedPage(page) {
  await page.getByRole("button", { name: "Pay with crypto" }).click()
  await page.waitForURL(/\/pay\/[0-9a-z_-]+$/i, { timeout: 30_000 })
  return page.url()
}

/**
 * The shopper pays on the hosted page and closes the tab: the page's POST goes to the sandbox, its
 * 303 back to the shop is not followed (page.route does not see requests reached by a redirect).
 */
async function payAndLeave(page, hostedUrl) {
  await page.route(/\/pay\/[^/]+$/, async (route) => {
    if (route.request().method() !== "POST") return route.continue()
    await route.fetch({ maxRedirects: 0 })
    await route.fulfill({ status: 200, contentType: "text/html", body: "<p>tab closed</p>" })
  })
  if (hostedUrl) await page.goto(hostedUrl)
  await page.getByTestId("pay-full").click()
  await page.getByText("tab closed").waitFor()
}

const ORDER_PAGE = /\/us\/order\/order_[0-9A-Z]+\/confirmed$/

async function waitCompleted(cartId) {
  for (let i = 0; i < 120; i++) {
    const { cart } = await api("GET", `/store/carts/${cartId}?fields=id,completed_at`)
    if (cart.completed_at) return
    await new Promise((r) => setTimeout(r, 500)) // polling the store: no event reaches this script
  }
  throw new Error(`cart ${cartId} never completed (webhook)`)
}

const journeys = {
  async "pay-first: pick Meum → hosted page → return → order page"(browser) {
    const context = await shopperWith(browser, await readyCart())
    const page = await context.newPage()
    await pick(page, "Crypto (Meum)")
    await toHostedPage(page)
    await page.getByTestId("pay-full").click()
    await page.waitForURL(ORDER_PAGE, { timeout: 30_000 })
    await page.getByTestId("payment-method").getByText("Crypto (Meum)").waitFor()
    await context.close()
  },
  async "switch: pick Meum, go back, pick Manual → no 'Pay with crypto'"(browser) {
    const context = await shopperWith(browser, await readyCart())
    const page = await context.newPage()
    await pick(page, "Crypto (Meum)")
    await page.getByRole("button", { name: "Pay with crypto" }).waitFor()
    await pick(page, "Manual Payment")
    await page.getByTestId("submit-order-button").filter({ hasText: "Place order" }).waitFor()
    assert.equal(await page.getByRole("button", { name: "Pay with crypto" }).count(), 0)
    await context.close()
  },
  async "webhook-placed order, shopper returns late → lands on the order"(browser) {
    const cartId = await readyCart()
    const context = await shopperWith(browser, cartId)
    const stale = await context.newPage()
    await pick(stale, "Crypto (Meum)") // this tab stays on the review step, rendered before the payment
    const payer = await context.newPage()
    await payer.goto(`${SHOP}/us/checkout?step=review`)
    await toHostedPage(payer)
    await payAndLeave(payer) // the return never reaches the shop
    await waitCompleted(cartId) // placed by the webhook
    await payer.close()
    // The stale review tab: "Pay with crypto" lands on the order, not "already completed".
    await stale.getByRole("button", { name: "Pay with crypto" }).click()
    await stale.waitForURL(ORDER_PAGE, { timeout: 30_000 })
    assert.equal(await stale.getByText(/already completed/i).count(), 0)
    // A fresh visit to the checkout lands on the order too (the cached cart still says open).
    const later = await shopperWith(browser, cartId)
    const again = await later.newPage()
    await again.goto(`${SHOP}/us/checkout?step=payment`)
    await again.waitForURL(ORDER_PAGE, { timeout: 30_000 })
    // The order page dropped the completed cart's cookie.
    for (let i = 0; i < 40 && (await later.cookies(SHOP)).some((c) => c.name === "_medusa_cart_id" && c.value); i++) await again.waitForTimeout(250)
    assert.ok(!(await later.cookies(SHOP)).some((c) => c.name === "_medusa_cart_id" && c.value), "cart cookie cleared")
    await context.close()
    await later.close()
  },
  async "pending page: return before paying → waits → order page"(browser) {
    const cartId = await readyCart()
    const context = await shopperWith(browser, cartId)
    const page = await context.newPage()
    await pick(page, "Crypto (Meum)")
    const hosted = await toHostedPage(page)
    await page.goto(`${SHOP}/api/meum/return?cart_id=${cartId}&country_code=us`)
    await page.waitForURL(/\/us\/checkout\/meum-pending\?/, { timeout: 30_000 })
    await page.getByTestId("meum-waiting").waitFor()
    const payer = await context.newPage()
    await payAndLeave(payer, hosted) // only the pending page's polling can find the order
    await page.waitForURL(ORDER_PAGE, { timeout: 60_000 })
    await context.close()
  },
}

;(async () => {
  const browser = await chromium.launch({ executablePath: ensureChromium(), headless: true, args: ["--no-sandbox", "--disable-gpu"] })
  let failed = 0
  const only = process.argv[2]
  for (const [name, run] of Object.entries(journeys)) {
    if (only && !name.includes(only)) continue
    const t = Date.now()
    try {
      await run(browser)
      console.log(`PASS ${name} (${((Date.now() - t) / 1000).toFixed(1)} s)`)
    } catch (e) {
      failed++
      console.log(`FAIL ${name}: ${e && e.stack ? e.stack.split("\n").slice(0, 4).join("\n") : e}`)
    }
  }
  await browser.close()
  process.exit(failed ? 1 : 0)
})()
