/**
 * The reference Next.js storefront (reference-storefront/) in a real browser against a real store:
 * one `medusa start` from this repo's sources on the suite's PostgreSQL, the Meum sandbox
 * in-process (webhooks to the store's /hooks/meum), `next start` of the built app, and Debian's
 * Chromium through playwright-core.
 *
 * The storefront is http://localhost:<port> and Meum's hosted page http://127.0.0.1:<port>:
 * different sites, so the SameSite=strict cart cookie is really missing on the way back from Meum
 * (test 1 checks that it is). Each test is a new shopper (a fresh browser context).
 */
import fs from "node:fs"
import path from "node:path"
import type { Browser, BrowserContext, Page, Request } from "playwright-core"
import { launchChromium, freePort } from "../helpers/demo-run"
import { waitUntil } from "../helpers/wait-until"
import {
  prepareReferenceStorefront,
  startReferenceStorefront,
  startShopStore,
  type RunningStorefront,
  type ShopStore,
} from "../helpers/reference-storefront"

jest.setTimeout(15 * 60 * 1000)

const root = path.resolve(__dirname, "../..")
const artifacts = path.join(root, ".test-artifacts", "reference-storefront")
const logDir = path.join(root, ".cache", "reference-storefront", String(Date.now()))
const log = (line: string) => process.stdout.write(`${line}\n`)
const CHROMIUM: string = require("../../scripts/lib/ensure-chromium").ensureChromium({ log })

const CART_COOKIE = "_medusa_cart_id"
const UNIT_PRICE = 20.5

let store: ShopStore
let storefront: RunningStorefront
let browser: Browser
const contexts: BrowserContext[] = []
const timings: Record<string, string> = {}

beforeAll(async () => {
  const started = Date.now()
  fs.mkdirSync(artifacts, { recursive: true })
  const storefrontPort = await freePort()
  const storefrontOrigin = `http://localhost:${storefrontPort}`
  // The build (CPU) and the store's migrations + seed (mostly the database) overlap.
  const [prepared, shop] = await Promise.all([
    prepareReferenceStorefront({ log }),
    (async () => {
      const t = Date.now()
      const s = await startShopStore({ storefrontOrigin, logDir })
      timings.store = `${((Date.now() - t) / 1000).toFixed(1)} s (migrate, seed, medusa start)`
      return s
    })(),
  ])
  store = shop
  timings.install = prepared.installMs === null ? "skipped (installed)" : `${(prepared.installMs / 1000).toFixed(1)} s`
  timings.build = prepared.buildMs === null ? "skipped (same sources)" : `${(prepared.buildMs / 1000).toFixed(1)} s`
  const t = Date.now()
  storefront = await startReferenceStorefront({
    port: storefrontPort,
    medusaUrl: store.url,
    publishableKey: store.seed.publishableKey,
    logFile: path.join(logDir, "next-start.log"),
    // Short budgets keep the waiting-page test quick; the defaults are 5 s and 2 s.
    extraEnv: { MEUM_RETURN_BUDGET_MS: "1500", MEUM_POLL_INTERVAL_MS: "500" },
  })
  timings.nextStart = `${((Date.now() - t) / 1000).toFixed(1)} s`
  browser = await launchChromium(CHROMIUM)
  timings.beforeAll = `${((Date.now() - started) / 1000).toFixed(1)} s`
  log(`[reference-storefront] ${JSON.stringify(timings)}`)
})

afterEach(async () => {
  store?.sandbox.resetFaults()
  for (const context of contexts.splice(0)) await context.close().catch(() => undefined)
})

afterAll(async () => {
  await browser?.close().catch(() => undefined)
  await storefront?.stop()
  await store?.stop()
  log(`[reference-storefront] timings: ${JSON.stringify(timings)}`)
})

/** Medusa's and Next's logs, printed when a test fails. */
async function withLogs<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    process.stderr.write(`\n${store?.logs() ?? ""}\n----- next start\n${storefront?.logs().split("\n").slice(-60).join("\n") ?? ""}\n`)
    throw error
  }
}

async function newShopper(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext()
  contexts.push(context)
  context.setDefaultTimeout(60_000)
  const page = await context.newPage()
  return { context, page }
}

async function cartCookie(context: BrowserContext): Promise<string | undefined> {
  return (await context.cookies(storefront.url)).find((cookie) => cookie.name === CART_COOKIE)?.value
}

/** Product page → "Add to cart" → the cart page; returns the cart id (from the httpOnly cookie). */
async function addToCart(page: Page): Promise<string> {
  await page.goto(`${storefront.url}/us`)
  await page.getByTestId("add-to-cart").click()
  await page.waitForURL(`${storefront.url}/us/cart`)
  await page.getByTestId("cart-total").waitFor()
  const cartId = await cartCookie(page.context())
  if (!cartId) throw new Error("no cart cookie after add-to-cart")
  const cookie = (await page.context().cookies(storefront.url)).find((c) => c.name === CART_COOKIE)!
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict" })
  return cartId
}

const sandboxPage = () => new RegExp(`^${store.sandbox.url.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/pay/[0-9a-z_-]+$`)

/** Email + "Pay with crypto" on the cart page → Meum's hosted page; returns the invoice id shown there. */
async function payWithCrypto(page: Page, email = "shopper@example.com"): Promise<string> {
  const emailInput = page.getByTestId("email-input")
  if (await emailInput.count()) await emailInput.fill(email)
  await page.getByTestId("pay-with-crypto").click()
  await page.waitForURL(sandboxPage())
  const invoiceId = (await page.getByTestId("invoice-id").textContent())?.trim()
  if (!invoiceId) throw new Error("the sandbox page shows no invoice id")
  return invoiceId
}

const confirmedUrl = () => new RegExp(`^${storefront.url}/us/order/order_[0-9A-Z]+/confirmed$`)

async function ordersOfCart(cartId: string): Promise<string[]> {
  const { rows } = await store.db.query("SELECT order_id FROM order_cart WHERE cart_id = $1 AND deleted_at IS NULL", [cartId])
  return rows.map((row: { order_id: string }) => row.order_id)
}

async function storeOrder(orderId: string): Promise<any> {
  const res = await fetch(`${store.url}/store/orders/${orderId}?fields=id,total,payment_status,*items`, { headers: { "x-publishable-api-key": store.seed.publishableKey } })
  expect(res.status).toBe(200)
  return (await res.json()).order
}

// Answered 2xx: 200 once processed, or 202 {queued} when the work outlasts the route's budget (a busy machine).
const paidDeliveryOf = (invoiceId: string) =>
  store.sandbox.waitForDeliveries((deliveries) => deliveries.some((d) => d.invoice_id === invoiceId && d.event_type === "invoice.paid" && d.status_code !== null && d.status_code >= 200 && d.status_code < 300), { timeoutMs: 60_000 })

/** The cart's invoices at Meum (a replacement invoice gets a new external_order_id; the metadata names the cart). */
const invoicesOfCart = (cartId: string) => store.sandbox.listInvoices().filter((invoice) => invoice.metadata?.medusa_cart_id === cartId)

it("pay-first: product → Pay with crypto → Meum's page → pay in full → back on the storefront → the order confirmation", () =>
  withLogs(async () => {
    const { context, page } = await newShopper()
    const cartId = await addToCart(page)
    expect(await page.getByTestId("cart-total").getAttribute("data-amount")).toBe(String(UNIT_PRICE))

    const invoiceId = await payWithCrypto(page)
    // Meum's page is another site, and the invoice returns to the storefront with the cart in the URL.
    expect(new URL(page.url()).hostname).toBe("127.0.0.1")
    expect(new URL(storefront.url).hostname).toBe("localhost")
    const invoice = store.sandbox.getInvoice(invoiceId)!
    expect(invoice.amount).toBe("20.50")
    expect(invoice.return_url).toBe(`${storefront.url}/api/meum/return?cart_id=${cartId}&country_code=us`)
    await page.screenshot({ path: path.join(artifacts, "1-sandbox-checkout.png"), fullPage: true })

    // The SameSite trap is real: the return navigation from Meum's page carries no cart cookie.
    const returnRequest = page.waitForRequest((request: Request) => request.url().startsWith(`${storefront.url}/api/meum/return`))
    await page.getByTestId("pay-full").click()
    const cookieHeader = (await (await returnRequest).allHeaders()).cookie ?? ""
    expect(cookieHeader).not.toContain(CART_COOKIE)

    await page.waitForURL(confirmedUrl())
    const confirmed = page.getByTestId("order-confirmed")
    const orderId = await confirmed.getAttribute("data-order-id")
    // No crash for the Meum provider id, a title for it, and the payment is captured.
    await expect(page.getByTestId("payment-provider").textContent()).resolves.toBe("Crypto (Meum)")
    expect(await page.getByTestId("payment-provider").getAttribute("data-provider-id")).toBe("pp_meum_meum")
    expect(await page.getByTestId("payment-status").getAttribute("data-status")).toBe("captured")
    expect(await page.getByTestId("order-total").getAttribute("data-amount")).toBe(String(UNIT_PRICE))
    await page.screenshot({ path: path.join(artifacts, "1-order-confirmed.png"), fullPage: true })

    expect(await ordersOfCart(cartId)).toEqual([orderId])
    // The webhook came too, and found the order there: still one order.
    await paidDeliveryOf(invoiceId)
    expect(await ordersOfCart(cartId)).toEqual([orderId])
    // The confirmation page dropped the completed cart's cookie: the cart is empty again.
    await waitUntil(async () => (await cartCookie(context)) === undefined, { timeoutMs: 30_000, what: "the cart cookie to be cleared" })
    await page.getByTestId("nav-cart").click()
    await page.getByTestId("cart-empty").waitFor()
  }))

it("shopper never returns: the webhook places the order; the next visit shows it, and the next add-to-cart starts a fresh cart", () =>
  withLogs(async () => {
    const { context, page } = await newShopper()
    const cartId = await addToCart(page)
    const invoiceId = await payWithCrypto(page)

    // Pays, and the tab is closed before Meum's redirect back reaches the storefront: the
    // payment POST goes through, its 303 to the return URL is never followed.
    const sandboxUrl = store.sandbox.url
    await page.route(`${sandboxUrl}/pay/**`, async (route) => {
      if (route.request().method() !== "POST") return route.continue()
      const response = await route.fetch({ maxRedirects: 0 })
      expect(response.status()).toBe(303)
      expect(response.headers().location).toContain(`/api/meum/return?cart_id=${cartId}`)
      await route.fulfill({ status: 200, contentType: "text/html", body: "<p data-testid='tab-closed'>closed</p>" })
    })
    await page.getByTestId("pay-full").click()
    await page.getByTestId("tab-closed").waitFor()
    await page.close()
    await paidDeliveryOf(invoiceId)
    const [orderId] = await ordersOfCart(cartId)
    expect(orderId).toMatch(/^order_/)
    // The cookie still names the completed cart.
    expect(await cartCookie(context)).toBe(cartId)

    // A later visit: the storefront shows that order instead of a dead cart.
    const later = await context.newPage()
    await later.goto(`${storefront.url}/us`)
    const notice = later.getByTestId("last-order")
    await notice.waitFor()
    expect(await notice.getAttribute("data-order-id")).toBe(orderId)
    expect(await notice.getAttribute("data-cart-id")).toBe(cartId)
    await later.screenshot({ path: path.join(artifacts, "2-last-order.png"), fullPage: true })
    const orderLink = (await later.getByTestId("last-order-link").getAttribute("href"))!

    // Add-to-cart right there, the cookie still naming the completed cart: a fresh cart starts
    // (the completed one cannot take items).
    await later.getByTestId("add-to-cart").click()
    await later.waitForURL(`${storefront.url}/us/cart`)
    await later.getByTestId("cart-total").waitFor()
    const nextCartId = await cartCookie(context)
    expect(nextCartId).toMatch(/^cart_/)
    expect(nextCartId).not.toBe(cartId)
    expect(await later.getByTestId("cart-line").count()).toBe(1)

    // The confirmation of a webhook-placed order does not crash on the Meum provider.
    await later.goto(`${storefront.url}${orderLink}`)
    await later.waitForURL(confirmedUrl())
    expect(await later.getByTestId("order-confirmed").getAttribute("data-order-id")).toBe(orderId)
    expect(await later.getByTestId("payment-provider").textContent()).toBe("Crypto (Meum)")
    expect(await later.getByTestId("payment-status").getAttribute("data-status")).toBe("captured")
    // It leaves the new cart alone (only a completed cart's cookie is dropped).
    await later.getByTestId("nav-cart").click()
    await later.getByTestId("cart-line").waitFor()
    expect(await cartCookie(context)).toBe(nextCartId)
    expect(await later.getByTestId("cart-total").getAttribute("data-amount")).toBe(String(UNIT_PRICE))
  }))

it("returns before Meum has confirmed the payment, with webhooks held: the waiting page, then the order once paid and the hold is released", () =>
  withLogs(async () => {
    store.sandbox.setFaults({ webhook_hold: true })
    const { page } = await newShopper()
    const cartId = await addToCart(page)
    const invoiceId = await payWithCrypto(page)

    // Back on the storefront while the invoice is still open (the payment still confirming at Meum):
    // the return route finds nothing to complete within its budget → the waiting page.
    await page.goto(store.sandbox.getInvoice(invoiceId)!.return_url!)
    await page.waitForURL(new RegExp(`^${storefront.url}/us/checkout/meum-pending\\?cart_id=${cartId}&country_code=us$`))
    const waiting = page.getByTestId("meum-waiting")
    await waiting.waitFor()
    // It keeps asking, and keeps waiting.
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="meum-waiting"]')?.getAttribute("data-polls")) >= 2)
    expect(await waiting.getAttribute("data-kind")).toBe("not_paid_yet")
    await page.screenshot({ path: path.join(artifacts, "3-waiting.png"), fullPage: true })
    expect(await ordersOfCart(cartId)).toEqual([])

    // Meum confirms the payment; its webhook is held, then released: the page moves on to the order.
    await store.sandbox.simulate(invoiceId, "paid")
    expect(store.sandbox.heldWebhooks()).toBeGreaterThan(0)
    store.sandbox.setFaults({ webhook_hold: false })
    await page.waitForURL(confirmedUrl())
    const orderId = await page.getByTestId("order-confirmed").getAttribute("data-order-id")
    expect(await page.getByTestId("payment-status").getAttribute("data-status")).toBe("captured")
    await paidDeliveryOf(invoiceId)
    // The waiting page and the webhook raced for the cart: one order.
    expect(await ordersOfCart(cartId)).toEqual([orderId])
  }))

it("pays with webhooks held: the shopper's return alone places the order (the store reads Meum), and the late webhook adds none", () =>
  withLogs(async () => {
    store.sandbox.setFaults({ webhook_hold: true })
    const { page } = await newShopper()
    const cartId = await addToCart(page)
    const invoiceId = await payWithCrypto(page)
    await page.getByTestId("pay-full").click()
    await page.waitForURL(confirmedUrl())
    const orderId = await page.getByTestId("order-confirmed").getAttribute("data-order-id")
    expect(store.sandbox.deliveries().filter((d) => d.invoice_id === invoiceId)).toEqual([])
    expect(await ordersOfCart(cartId)).toEqual([orderId])

    store.sandbox.setFaults({ webhook_hold: false })
    await paidDeliveryOf(invoiceId)
    expect(await ordersOfCart(cartId)).toEqual([orderId])
  }))

it("underpaid: the shopper sees that less was received, and no order is placed", () =>
  withLogs(async () => {
    const { page } = await newShopper()
    const cartId = await addToCart(page)
    const invoiceId = await payWithCrypto(page)
    await page.getByTestId("pay-underpaid").click()
    await page.waitForURL(new RegExp(`^${storefront.url}/us/checkout/meum-pending\\?`))
    const message = page.getByTestId("meum-underpaid")
    await message.waitFor()
    expect(await message.textContent()).toContain("We received less than the order total")
    await page.screenshot({ path: path.join(artifacts, "4-underpaid.png"), fullPage: true })
    expect(store.sandbox.getInvoice(invoiceId)!.status).toBe("underpaid")
    // The underpaid webhook is processed too; still no order, and no "pay again" is offered.
    await store.sandbox.waitForDeliveries((ds) => ds.some((d) => d.invoice_id === invoiceId && d.event_type === "invoice.underpaid" && d.status_code === 200), { timeoutMs: 60_000 })
    expect(await ordersOfCart(cartId)).toEqual([])
    expect(await page.getByTestId("meum-pay-again").count()).toBe(0)
  }))

it("cart changed after choosing Meum: back, quantity 2, pay again → a new invoice for the new amount, the old one cancelled, the order for 2", () =>
  withLogs(async () => {
    const { page } = await newShopper()
    const cartId = await addToCart(page)
    const firstInvoiceId = await payWithCrypto(page)
    expect((await page.getByTestId("amount").textContent())?.trim()).toBe("20.50 USD")

    // Back and pay again with the cart unchanged: the same invoice (no new one per click).
    await page.goBack()
    await page.waitForURL(`${storefront.url}/us/cart`)
    expect(await payWithCrypto(page)).toBe(firstInvoiceId)
    expect(invoicesOfCart(cartId)).toHaveLength(1)

    await page.goBack()
    await page.waitForURL(`${storefront.url}/us/cart`)
    await page.getByTestId("quantity-input").fill("2")
    await page.getByTestId("update-quantity").click()
    await page.waitForFunction(() => document.querySelector('[data-testid="cart-total"]')?.getAttribute("data-amount") === "41")
    // The cart change deleted the Meum session, which cancels its invoice at Meum: nothing payable is left behind.
    await waitUntil(async () => store.sandbox.getInvoice(firstInvoiceId)!.status === "cancelled", { timeoutMs: 30_000, what: "the first invoice to be cancelled" })

    const secondInvoiceId = await payWithCrypto(page)
    expect(secondInvoiceId).not.toBe(firstInvoiceId)
    expect((await page.getByTestId("amount").textContent())?.trim()).toBe("41.00 USD")
    expect(store.sandbox.getInvoice(secondInvoiceId)!.amount).toBe("41.00")
    await page.getByTestId("pay-full").click()
    await page.waitForURL(confirmedUrl())
    const orderId = (await page.getByTestId("order-confirmed").getAttribute("data-order-id"))!
    expect(await page.getByTestId("order-total").getAttribute("data-amount")).toBe("41")
    expect(await page.getByTestId("order-line").getAttribute("data-quantity")).toBe("2")
    const order = await storeOrder(orderId)
    expect(Number(order.total)).toBe(41)
    expect(order.payment_status).toBe("captured")
    expect(await ordersOfCart(cartId)).toEqual([orderId])
    expect(invoicesOfCart(cartId).map((invoice) => invoice.status).sort()).toEqual(["cancelled", "paid"])
  }))

it("expired invoice: the shopper sees the closed message, goes back to the cart, pays a new invoice, and gets the order", () =>
  withLogs(async () => {
    const { page } = await newShopper()
    const cartId = await addToCart(page)
    const firstInvoiceId = await payWithCrypto(page)
    await store.sandbox.simulate(firstInvoiceId, "expired")
    await store.sandbox.waitForDeliveries((ds) => ds.some((d) => d.invoice_id === firstInvoiceId && d.event_type === "invoice.expired" && d.status_code === 200), { timeoutMs: 60_000 })

    // Meum's page of an expired invoice links back to the store.
    await page.reload()
    await page.getByTestId("return-link").click()
    const closed = page.getByTestId("meum-closed")
    await closed.waitFor()
    expect(await closed.textContent()).toContain("This payment expired or was cancelled")
    await page.screenshot({ path: path.join(artifacts, "7-closed.png"), fullPage: true })

    // A same-site navigation: the cart cookie is back, the cart page opens, a new invoice is made.
    await page.getByTestId("meum-pay-again").click()
    await page.waitForURL(`${storefront.url}/us/cart`)
    const secondInvoiceId = await payWithCrypto(page)
    expect(secondInvoiceId).not.toBe(firstInvoiceId)
    await page.getByTestId("pay-full").click()
    await page.waitForURL(confirmedUrl())
    const orderId = await page.getByTestId("order-confirmed").getAttribute("data-order-id")
    expect(await ordersOfCart(cartId)).toEqual([orderId])
    expect(invoicesOfCart(cartId).map((invoice) => invoice.status).sort()).toEqual(["expired", "paid"])
  }))

it("order-first (store restarted with MEUM_ORDER_FIRST=true): the order is placed before paying, a second click pays the same invoice, the webhook captures it", () =>
  withLogs(async () => {
    await store.restart({ MEUM_ORDER_FIRST: "true" })
    const { page } = await newShopper()
    const cartId = await addToCart(page)
    const invoiceId = await payWithCrypto(page)
    // The storefront read the mode from the session (pending_authorization) and completed the cart first.
    const [orderId] = await ordersOfCart(cartId)
    expect(orderId).toMatch(/^order_/)
    expect((await storeOrder(orderId)).payment_status).not.toBe("captured")
    // Its confirmation page before paying says "Awaiting payment" (opened in another browser: the page
    // drops a completed cart's cookie, and this shopper's cookie is needed below).
    const { page: early } = await newShopper()
    await early.goto(`${storefront.url}/us/order/${orderId}/confirmed`)
    expect(await early.getByTestId("order-confirmed").getAttribute("data-order-id")).toBe(orderId)
    expect((await early.getByTestId("payment-status").textContent())?.trim()).toBe("Awaiting payment")
    expect(await early.getByTestId("payment-status").getAttribute("data-status")).not.toBe("captured")
    await early.screenshot({ path: path.join(artifacts, "6-order-awaiting-payment-confirmation.png"), fullPage: true })

    // Back to the store: the order waits for its payment; paying again opens the same invoice.
    await page.goBack()
    await page.waitForURL(`${storefront.url}/us/cart`)
    const notice = page.getByTestId("last-order")
    await notice.waitFor()
    expect(await notice.getAttribute("data-order-id")).toBe(orderId)
    await page.screenshot({ path: path.join(artifacts, "6-order-awaiting-payment.png"), fullPage: true })
    expect(await payWithCrypto(page)).toBe(invoiceId)
    expect(invoicesOfCart(cartId)).toHaveLength(1)

    await page.getByTestId("pay-full").click()
    await page.waitForURL(confirmedUrl())
    expect(await page.getByTestId("order-confirmed").getAttribute("data-order-id")).toBe(orderId)
    expect(await page.getByTestId("payment-provider").textContent()).toBe("Crypto (Meum)")
    // The page reads the order fresh until the webhook's capture shows.
    await page.waitForFunction(() => document.querySelector('[data-testid="payment-status"]')?.getAttribute("data-status") === "captured", undefined, { timeout: 60_000 })
    expect((await page.getByTestId("payment-status").textContent())?.trim()).toBe("Paid")
    await page.screenshot({ path: path.join(artifacts, "6-order-confirmed.png"), fullPage: true })
    await paidDeliveryOf(invoiceId)
    expect(await ordersOfCart(cartId)).toEqual([orderId])
    expect(invoicesOfCart(cartId)).toHaveLength(1)
  }))
