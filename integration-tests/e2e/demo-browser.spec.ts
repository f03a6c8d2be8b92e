/**
 * Real browser, real everything: `npm run demo` (embedded PostgreSQL, Meum sandbox, Medusa with
 * admin, demo storefront) driven by Debian's Chromium through playwright-core, from product to
 * order page, then the order in the admin with a captured payment. Screenshots of the sandbox
 * checkout page and the order pages land in .test-artifacts/.
 */
import fs from "node:fs"
import net from "node:net"
import path from "node:path"
import type { Browser } from "playwright-core"
import { buyWithCrypto, launchChromium, portIsFree, startDemo, type RunningDemo } from "../helpers/demo-run"

jest.setTimeout(10 * 60 * 1000)

const root = path.resolve(__dirname, "../..")
// A dot folder: `medusa develop` (the demo) restarts on any other new file in the repo.
const artifacts = path.join(root, ".test-artifacts")
// What the system has, else installed (as root on Debian), else a stop naming the command.
const CHROMIUM: string = require("../../scripts/lib/ensure-chromium").ensureChromium({ log: (line: string) => process.stdout.write(`${line}\n`) })

let demo: RunningDemo
let browser: Browser

beforeAll(async () => {
  fs.mkdirSync(artifacts, { recursive: true })
  demo = await startDemo()
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
  await admin.getByText("ledger: completed").waitFor({ timeout: 60_000 })

  // The Meum page: nothing needs the merchant, and the paid delivery is listed with its verdict.
  await admin.goto(`${demoInfo.admin}/meum`)
  await admin.getByText("Meum: needs your attention").waitFor({ timeout: 120_000 })
  await admin.getByTestId("meum-deliveries").getByText("invoice.paid").first().waitFor({ timeout: 60_000 })
  await admin.screenshot({ path: path.join(artifacts, "admin-meum-page.png"), fullPage: true })
})

it("stops every process and frees every port on Ctrl-C, even with a browser connection still open", async () => {
  // Chromium keeps (pre)connected sockets to the storefront; a connection that never sent a request
  // once made the demo's shutdown wait forever. Hold one open on purpose.
  const lingering = net.connect(demo.ports.DEMO_STOREFRONT_PORT, "127.0.0.1")
  await new Promise<void>((resolve, reject) => lingering.once("connect", () => resolve()).once("error", reject))
  const closedByDemo = new Promise<void>((resolve) => lingering.once("close", () => resolve()))
  expect(await demo.interrupt()).toBe(0)
  await closedByDemo
  for (const port of Object.values(demo.ports)) {
    expect(await portIsFree(port)).toBe(true)
  }
})
