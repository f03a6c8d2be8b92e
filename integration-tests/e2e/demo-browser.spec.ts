/**
 * Real browser, real everything: `npm run demo` (embedded PostgreSQL, Meum sandbox, Medusa with
 * admin, demo storefront) driven by Debian's Chromium through playwright-core, from product to
 * order page, then the order in the admin with a captured payment. Screenshots of the sandbox
 * checkout page and the order pages land in .test-artifacts/.
 */
import fs from "node:fs"
import net from "node:net"
import path from "node:path"
import axios from "axios"
import type { Browser } from "playwright-core"
import { buyWithCrypto, launchChromium, listenerOf, portIsFree, startDemo, type RunningDemo } from "../helpers/demo-run"

jest.setTimeout(10 * 60 * 1000)

const root = path.resolve(__dirname, "../..")
// A dot folder: `medusa develop` (the demo) restarts on any other new file in the repo.
const artifacts = path.join(root, ".test-artifacts")
// What the system has, else installed (as root on Debian), else a stop naming the command.
const CHROMIUM: string = require("../../scripts/lib/ensure-chromium").ensureChromium({ log: (line: string) => process.stdout.write(`${line}\n`) })

let demo: RunningDemo
let browser: Browser
// A merchant's own storefront (e.g. medusajs/dtc-starter on :8000), pointed at the demo.
const OWN_STOREFRONT = "http://localhost:8000"

beforeAll(async () => {
  fs.mkdirSync(artifacts, { recursive: true })
  demo = await startDemo({ DEMO_STOREFRONT_ORIGINS: OWN_STOREFRONT })
  browser = await launchChromium(CHROMIUM)
})

afterAll(async () => {
  await browser?.close()
  await demo?.interrupt()
})

it("buys the product with crypto in a real browser and finds the captured order in the admin", async () => {
  const demoInfo = JSON.parse(fs.readFileSync(path.join(root, ".demo", "demo.json"), "utf8"))
  const page = await browser.newPage()
  const orderId = await buyWithCrypto(page, demoInfo.storefront, {
    checkout: path.join(artifacts, "sandbox-checkout.png"),
    order: path.join(artifacts, "order-page.png"),
  })
  expect(orderId).toMatch(/^order_/)

  // The admin: log in through the dashboard, then read the order with the admin session.
  const admin = await browser.newPage()
  await admin.goto(demoInfo.admin, { timeout: 180_000 })
  await admin.locator('input[name="email"]').fill(demoInfo.admin_email, { timeout: 180_000 })
  await admin.locator('input[name="password"]').fill(demoInfo.admin_password)
  await admin.locator('button[type="submit"]').click()
  await admin.waitForURL(/\/app\/orders/, { timeout: 120_000 })
  await admin.goto(`${demoInfo.admin}/orders/${orderId}`)
  await admin.getByText("Meum payment").waitFor({ timeout: 120_000 })
  await admin.screenshot({ path: path.join(artifacts, "admin-order.png"), fullPage: true })
  const order = await admin.evaluate(async (id) => {
    const res = await fetch(`/admin/orders/${id}?fields=payment_status,*payment_collections.payments.captures`, { credentials: "include" })
    return res.json()
  }, orderId)
  expect(order.order.payment_status).toBe("captured")
  // The widget reads the ledger: the invoice is completed there.
  await admin.getByTestId("meum-widget").getByText("Paid, order placed").waitFor({ timeout: 60_000 })

  // The Meum page: nothing needs the merchant, and the paid delivery is listed with its verdict.
  await admin.goto(`${demoInfo.admin}/meum`)
  await admin.getByRole("heading", { name: "Meum payments" }).waitFor({ timeout: 120_000 })
  await admin.getByTestId("meum-deliveries").getByText("invoice.paid").first().waitFor({ timeout: 60_000 })
  await admin.screenshot({ path: path.join(artifacts, "admin-meum-page.png"), fullPage: true })
})

it("serves a merchant's own storefront (DEMO_STOREFRONT_ORIGINS): CORS, its return URL, and a flat-rate USD delivery option", async () => {
  const demoInfo = JSON.parse(fs.readFileSync(path.join(root, ".demo", "demo.json"), "utf8"))
  const store = axios.create({ baseURL: demoInfo.store_api, headers: { "x-publishable-api-key": demoInfo.publishable_key }, validateStatus: () => true })
  // CORS: the extra origin and the demo's own storefront are both allowed; another is not.
  const allowed = async (origin: string) => (await store.get("/store/regions", { headers: { Origin: origin } })).headers["access-control-allow-origin"]
  expect(await allowed(OWN_STOREFRONT)).toBe(OWN_STOREFRONT)
  expect(await allowed(demoInfo.storefront)).toBe(demoInfo.storefront)
  expect(await allowed("http://localhost:8999")).toBeUndefined()

  const product = (await store.get("/store/products", { params: { handle: "meum-tee", region_id: demoInfo.region_id } })).data.products[0]
  const cart = (await store.post("/store/carts", { region_id: demoInfo.region_id, email: "own-storefront@example.com", items: [{ variant_id: product.variants[0].id, quantity: 1 }] })).data.cart
  // Delivery: what a standard storefront's delivery step lists for a US address.
  const address = { first_name: "Ada", last_name: "Shopper", address_1: "1 Main St", city: "Springfield", postal_code: "12345", country_code: "us" }
  expect((await store.post(`/store/carts/${cart.id}`, { shipping_address: address, billing_address: address })).status).toBe(200)
  const options = (await store.get("/store/shipping-options", { params: { cart_id: cart.id } })).data.shipping_options
  const flat = options.find((option: { id: string }) => option.id === demoInfo.shipping_option_id)
  expect(flat).toMatchObject({ price_type: "flat", amount: 5 })
  const shipped = await store.post(`/store/carts/${cart.id}/shipping-methods`, { option_id: flat.id })
  expect(shipped.status).toBe(200)
  expect(shipped.data.cart.shipping_total).toBe(5)
  expect(shipped.data.cart.currency_code).toBe("usd")

  // Meum: a return URL on the merchant's storefront is accepted; one on another origin is not.
  const collection = (await store.post("/store/payment-collections", { cart_id: cart.id })).data.payment_collection
  const sessions = `/store/payment-collections/${collection.id}/payment-sessions`
  const elsewhere = await store.post(sessions, { provider_id: "pp_meum_meum", data: { return_url: "http://localhost:8999/order/return" } })
  expect(elsewhere.status).toBe(400)
  const own = await store.post(sessions, { provider_id: "pp_meum_meum", data: { return_url: `${OWN_STOREFRONT}/us/checkout/meum-return` } })
  expect(own.status).toBe(200)
  expect(own.data.payment_collection.payment_sessions[0].data.checkout_url).toMatch(/^http/)
})

it("stops every process and frees every port on Ctrl-C, even with a browser connection still open", async () => {
  // Chromium keeps (pre)connected sockets to the storefront; a connection that never sent a request
  // once made the demo's shutdown wait forever. Hold one open on purpose.
  const lingering = net.connect(demo.ports.DEMO_STOREFRONT_PORT, "127.0.0.1")
  await new Promise<void>((resolve, reject) => lingering.once("connect", () => resolve()).once("error", reject))
  const closedByDemo = new Promise<void>((resolve) => lingering.once("close", () => resolve()))
  expect(await demo.interrupt()).toBe(0)
  await closedByDemo
  for (const [name, port] of Object.entries(demo.ports)) {
    expect({ name, port, free: await portIsFree(port), listener: await listenerOf(port) }).toEqual({ name, port, free: true, listener: "" })
  }
})
