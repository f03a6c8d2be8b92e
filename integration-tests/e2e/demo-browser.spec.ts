/**
 * Real browser, real everything: `npm run demo` (embedded PostgreSQL, Meum sandbox, Medusa with
 * admin, demo storefront) driven by Debian's Chromium through playwright-core, from product to
 * order page, then the order in the admin with a captured payment. Screenshots of the sandbox
 * checkout page and the order pages land in .test-artifacts/.
 */
import { spawn, type ChildProcess } from "node:child_process"
import fs from "node:fs"
import net from "node:net"
import path from "node:path"
import { chromium, type Browser } from "playwright-core"

jest.setTimeout(10 * 60 * 1000)

const root = path.resolve(__dirname, "../..")
// A dot folder: `medusa develop` (the demo) restarts on any other new file in the repo.
const artifacts = path.join(root, ".test-artifacts")
// What the system has, else installed (as root on Debian), else a stop naming the command.
const CHROMIUM: string = require("../../scripts/lib/ensure-chromium").ensureChromium({ log: (line: string) => process.stdout.write(`${line}\n`) })

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer()
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })

const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = net.createServer()
    server.once("error", () => resolve(false))
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)))
  })

let demo: ChildProcess
let browser: Browser
let ports: Record<string, number>
let output = ""

beforeAll(async () => {
  fs.mkdirSync(artifacts, { recursive: true })
  ports = { DEMO_PG_PORT: await freePort(), DEMO_MEDUSA_PORT: await freePort(), DEMO_SANDBOX_PORT: await freePort(), DEMO_STOREFRONT_PORT: await freePort() }
  demo = spawn(process.execPath, [path.join(root, "scripts/demo/run.js")], {
    cwd: root,
    env: { ...process.env, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])), MEUM_API_KEY: "", MEUM_WEBHOOK_SECRET: "" },
    stdio: ["ignore", "pipe", "pipe"],
  })
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes("[demo] sandbox")) resolve()
    }
    demo.stdout!.on("data", onData)
    demo.stderr!.on("data", (chunk) => (output += chunk))
    demo.once("exit", (code) => reject(new Error(`demo exited (${code}):\n${output}`)))
  })
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    // playwright's launch() gives every run a fresh, empty user-data-dir of its own.
  })
})

afterAll(async () => {
  await browser?.close()
  if (demo && demo.exitCode === null) {
    const exited = new Promise((resolve) => demo.once("exit", resolve))
    demo.kill("SIGINT")
    await exited
  }
})

it("buys the product with crypto in a real browser and finds the captured order in the admin", async () => {
  const demoInfo = JSON.parse(fs.readFileSync(path.join(root, ".demo", "demo.json"), "utf8"))
  const page = await browser.newPage()
  await page.goto(demoInfo.storefront)
  await page.getByTestId("pay-with-crypto").click()

  // Ids are opaque: UUIDs by default (landing page), inv_… by switch.
  await page.waitForURL(/\/pay\/[0-9a-z_-]+$/)
  await page.getByTestId("pay-full").waitFor()
  await page.screenshot({ path: path.join(artifacts, "sandbox-checkout.png"), fullPage: true })
  await page.getByTestId("pay-full").click()

  await page.waitForURL(/return\.html\?cart_id=/)
  await page.getByText(/Order #\d+ placed/).waitFor({ timeout: 60_000 })
  await page.screenshot({ path: path.join(artifacts, "order-page.png"), fullPage: true })
  const orderId = await page.getByTestId("order-status").getAttribute("data-order-id")
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
  const lingering = net.connect(ports.DEMO_STOREFRONT_PORT, "127.0.0.1")
  await new Promise<void>((resolve, reject) => lingering.once("connect", () => resolve()).once("error", reject))
  const closedByDemo = new Promise<void>((resolve) => lingering.once("close", () => resolve()))
  const exited = new Promise<number | null>((resolve) => demo.once("exit", (code) => resolve(code)))
  demo.kill("SIGINT")
  expect(await exited).toBe(0)
  await closedByDemo
  for (const port of Object.values(ports)) {
    expect(await portIsFree(port)).toBe(true)
  }
})
