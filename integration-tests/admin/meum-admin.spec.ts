/**
 * The plugin's admin pages in a real browser (Chromium through playwright-core) on real Medusa +
 * PostgreSQL + the Meum sandbox: the Meum page, its settings/health page and the order widget,
 * each in its states (empty, an invoice that needs the merchant, a paid invoice, a failed fetch).
 * The admin is served apart from the backend (another origin), as a merchant may host it.
 * Screenshots land in .test-artifacts/admin/.
 */
import fs from "node:fs"
import path from "node:path"
import type { Browser, BrowserContext, Page } from "playwright-core"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { signWebhook } from "../../src/lib/meum/webhook-signature"
import { launchChromium } from "../helpers/demo-run"
import { seedStore, type SeededStore } from "../helpers/seed-store"
import { storeFlow } from "../helpers/store-flow"
import { ordersForCart } from "../helpers/medusa-state"
import { TEST_API_KEY, useMeumSandbox } from "../helpers/meum-sandbox-env"
import { MeumClient } from "../../src/lib/meum/client"
import { meumRegistrations } from "../../src/lib/provider-registry"
import { cartWithOpenInvoice } from "../helpers/meum-hooks-flow"
import { waitUntil } from "../helpers/wait-until"
import { runMeumReconcile } from "../../src/jobs/reconcile-meum-payments"
import { createAdminUser, startAdminServer, type AdminServer } from "./admin-server"

jest.setTimeout(15 * 60 * 1000)

const root = path.resolve(__dirname, "../..")
const artifacts = path.join(root, ".test-artifacts", "admin")
const log = (line: string) => process.stdout.write(`${line}\n`)
const CHROMIUM: string = require("../../scripts/lib/ensure-chromium").ensureChromium({ log })
const EMAIL = "operator@meum.test"
const PASSWORD = "meum-operator-password"
// The admin runs on its own origin (another localhost port): the backend must let it in.
process.env.ADMIN_CORS = "/http:\\/\\/localhost:\\d+/"
process.env.AUTH_CORS = "/http:\\/\\/localhost:\\d+/"
// The order widget's "Record a refund made on-chain" needs a registration that records manual refunds.
process.env.MEUM_REFUNDS = "manual"

const env = useMeumSandbox({ webhookPath: "/hooks/meum" })

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    let admin: AdminServer
    let browser: Browser
    let context: BrowserContext
    let seed: SeededStore
    let testEndpoint: { id: string; secret: string }
    const flow = () => storeFlow(api, seed.publishableKey, seed.regionId)

    beforeAll(async () => {
      fs.mkdirSync(artifacts, { recursive: true })
      const backend = String(api.defaults.baseURL)
      env.connect(backend)
      // The account's Meum webhook endpoint for the test button (test events only, so invoice events are
      // not delivered twice), as if its secret and id were set before the boot (setup-meum-webhook).
      const meum = new MeumClient({ apiKey: TEST_API_KEY, baseUrl: env.sandbox().url })
      testEndpoint = await meum.createWebhookEndpoint({ url: `${backend.replace(/\/$/, "")}/hooks/meum`, events: ["webhook.test"] })
      meum.close()
      const [registration] = meumRegistrations(getContainer())
      registration.options.webhookSecret.push(testEndpoint.secret)
      registration.options.webhookEndpointId = testEndpoint.id
      await createAdminUser(api, getContainer(), EMAIL, PASSWORD)
      ;[admin, browser] = await Promise.all([startAdminServer(backend), launchChromium(CHROMIUM)])
    })

    afterAll(async () => {
      await browser?.close()
      await admin?.close()
    })

    beforeEach(async () => {
      seed = await seedStore(getContainer())
      context = await browser.newContext({ viewport: { width: 1440, height: 1000 } })
    })

    afterEach(async () => {
      await context?.close()
    })

    /** Logs in through the dashboard's own form (the first time, Vite compiles the admin). */
    async function loggedIn(): Promise<Page> {
      const page = await context.newPage()
      await page.goto(`${admin.url}/login`, { timeout: 600_000 })
      await page.locator('input[name="email"]').fill(EMAIL, { timeout: 600_000 })
      await page.locator('input[name="password"]').fill(PASSWORD)
      await page.locator('button[type="submit"]').click()
      await page.waitForURL(/\/app\/orders/, { timeout: 300_000 })
      return page
    }

    /**
     * Vite's dev server reloads the page once when it discovers a dependency to optimize, which
     * can land during a screenshot ("Cannot find context"): the shot is taken again once the page
     * and its element are back. Assertions are not retried.
     */
    async function afterReload(take: () => Promise<unknown>, page: Page, element?: { waitFor: () => Promise<void> }) {
      for (let attempt = 1; ; attempt++) {
        try {
          await take()
          return
        } catch (error) {
          if (attempt >= 3 || !/context|navigat|detached/i.test(String((error as Error).message))) throw error
          await page.waitForLoadState("load")
          await element?.waitFor()
        }
      }
    }
    const shot = (page: Page, name: string) => afterReload(() => page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true }), page)
    const elementShot = (page: Page, element: ReturnType<Page["getByTestId"]>, name: string) =>
      afterReload(() => element.screenshot({ path: path.join(artifacts, `${name}.png`) }), page, element)

    /** Raw ISO timestamps and snake_case codes never reach the operator. */
    async function expectHumanWords(page: Page, testId: string) {
      const text = await page.getByTestId(testId).innerText()
      expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/)
      expect(text).not.toMatch(/\b(needs_attention|completion_failing|awaiting_payment|bad_signature|requires_more|paid_without_order)\b/)
      return text
    }

    async function paidOrder(outcome: "paid" | "underpaid") {
      const { cartId, invoiceId } = await cartWithOpenInvoice(flow(), env.sandbox(), seed.variantId)
      const [row] = await getContainer().resolve<any>("meumLedger").listMeumInvoices({ invoice_id: invoiceId })
      // What the operator should read: the asked amount as money, e.g. "$41.00".
      const asked = new Intl.NumberFormat("en", { style: "currency", currency: String(row.currency_code).toUpperCase() }).format(Number(row.amount))
      await env.sandbox().simulate(invoiceId, outcome)
      return { cartId, invoiceId, asked }
    }

    it("empty store: the Meum page says nothing needs the merchant; the health page shows the account, the webhook URL and a working API", async () => {
      const page = await loggedIn()
      // The sidebar entry (label from en.json) leads to the page.
      await page.getByRole("link", { name: "Meum" }).first().click()
      await page.getByRole("heading", { name: "Meum payments" }).waitFor({ timeout: 120_000 })
      await page.getByText("Nothing needs you").waitFor()
      await page.getByText("No webhook delivery received yet.").waitFor()
      await shot(page, "meum-page-empty")

      await page.getByRole("link", { name: "Settings and health" }).click()
      await page.getByRole("heading", { name: "Meum settings and health" }).waitFor()
      const backend = String(api.defaults.baseURL).replace(/\/$/, "")
      await page.getByTestId("meum-webhook-url").getByText(`${backend}/hooks/meum`, { exact: true }).waitFor()
      const registration = page.getByTestId("meum-registration")
      await expect(registration.count()).resolves.toBe(1)
      await registration.getByText("pp_meum_meum").waitFor()
      await registration.getByText(new URL(env.sandbox().url).host).waitFor()
      await registration.getByText("Pay first (the order is placed once paid)").waitFor()
      await registration.getByTestId("meum-ping").getByText(/^Reachable \(\d+ ms\)$/).waitFor()
      await registration.getByText("None received yet").waitFor()
      await page.getByTestId("meum-rejected").getByText("None. Every delivery was signed with a known secret.").waitFor()
      const text = await expectHumanWords(page, "meum-registrations")
      // Never a secret on the page.
      expect(await page.content()).not.toContain(process.env.MEUM_API_KEY!)
      expect(await page.content()).not.toContain(process.env.MEUM_WEBHOOK_SECRET!)
      expect(text).toContain("/hooks/meum/meum")
      await shot(page, "meum-health-empty")

      // "Send test webhook" asks first, then says /hooks/meum received and verified Meum's test event;
      // Meum's delivery attempt is listed (after a reload: Meum logs it just after the store answered).
      await registration.getByTestId("meum-test-webhook").click()
      await page.getByRole("button", { name: "Send", exact: true }).click()
      await page.getByText("Received and verified").waitFor({ timeout: 60_000 })
      await env.sandbox().waitForDeliveries((all) => all.some((d) => d.endpoint_id === testEndpoint.id && d.status_code === 200))
      await page.reload()
      await page.getByTestId("meum-webhook-attempt").getByText(/^Webhook test \(evt_\w+\) on .+: attempt 1, HTTP 200$/).waitFor({ timeout: 60_000 })
      expect(await page.content()).not.toContain(testEndpoint.secret)
    })

    it("an underpaid invoice: listed in words with its amount; accepting the shortfall asks first, confirms with a toast, places the order and records who decided", async () => {
      const { cartId, invoiceId, asked } = await paidOrder("underpaid")
      // A forged delivery: counted as rejected, never stored.
      const body = JSON.stringify({ id: "evt_forged", type: "invoice.paid", data: { invoice_id: invoiceId } })
      const forged = signWebhook({ secret: "whsec_not_the_store_secret", rawBody: body, timestamp: Math.floor(Date.now() / 1000), eventType: "invoice.paid", eventId: "evt_forged" })
      expect((await api.post("/hooks/meum", body, { headers: forged, transformRequest: [(d: string) => d], validateStatus: () => true })).status).toBe(401)

      const page = await loggedIn()
      await page.goto(`${admin.url}/meum`)
      const ledger = page.getByTestId("meum-ledger")
      const row = ledger.locator("tbody tr", { hasText: invoiceId.slice(0, 10) })
      await row.getByText("Needs you").waitFor({ timeout: 120_000 })
      await row.getByText("Paid less than asked").waitFor()
      await row.getByText("Underpaid").waitFor()
      await row.getByText(asked).waitFor()
      await row.getByText("No order yet").waitFor()
      await expectHumanWords(page, "meum-ledger")
      await page.getByTestId("meum-deliveries").getByText("invoice.underpaid").first().waitFor()
      await shot(page, "meum-page-attention")

      // The decision asks first; cancelling changes nothing.
      await row.getByRole("button", { name: "Accept the shortfall" }).click()
      await page.getByText("Accept the shortfall?").waitFor()
      await page.getByRole("button", { name: "Cancel" }).click()
      await row.getByRole("button", { name: "Accept the shortfall" }).waitFor()
      expect(await ordersForCart(getContainer(), cartId)).toHaveLength(0)

      await row.getByRole("button", { name: "Accept the shortfall" }).click()
      await page.getByTestId("meum-decision-note").fill("Customer paid the rest by bank transfer")
      await page.getByRole("button", { name: "Accept and place the order" }).click()
      await page.getByText(`Shortfall accepted for invoice ${invoiceId}`).waitFor({ timeout: 120_000 })
      await shot(page, "meum-page-decided-toast")
      const [orderId] = await waitUntil(async () => {
        const orders = await ordersForCart(getContainer(), cartId)
        return orders.length ? orders : undefined
      }, { timeoutMs: 60_000, what: "the order of the accepted invoice" })

      // Decided: it no longer needs the merchant.
      await page.goto(`${admin.url}/meum`)
      await page.getByTestId("meum-ledger").getByText("Nothing needs you").waitFor({ timeout: 60_000 })

      const health = await context.newPage()
      await health.goto(`${admin.url}/meum/health`)
      await health.getByTestId("meum-rejected").getByText("1 delivery rejected").waitFor({ timeout: 120_000 })
      await health.getByTestId("meum-rejected").getByText(/Bad signature \(wrong webhook secret\?\): 1/).waitFor()
      await health.getByTestId("meum-last-delivery").getByText(/^invoice\.underpaid on .+: Verified, /).waitFor()
      await expectHumanWords(health, "meum-rejected")
      await shot(health, "meum-health-rejected")

      // The order page: the widget shows the decision trail with the operator's email.
      await page.goto(`${admin.url}/orders/${orderId}`)
      const widget = page.getByTestId("meum-widget")
      await widget.getByText("Meum payment").waitFor({ timeout: 120_000 })
      await widget.getByTestId("meum-decision").getByText(new RegExp(`^Shortfall accepted by ${EMAIL} on .+`)).waitFor()
      await widget.getByTestId("meum-decision").getByText("Note: Customer paid the rest by bank transfer").waitFor()
      await widget.getByTestId("meum-shortfall").waitFor()
      await expectHumanWords(page, "meum-widget")
      await shot(page, "order-underpaid-accepted")
      await elementShot(page, widget, "order-widget-underpaid-accepted")
    })

    it("a paid invoice: the order widget shows the amounts, when it was paid and the invoice's state in words; the Meum page links the row to its order", async () => {
      const { cartId, invoiceId, asked } = await paidOrder("paid")
      const [orderId] = await waitUntil(async () => {
        const orders = await ordersForCart(getContainer(), cartId)
        return orders.length ? orders : undefined
      }, { timeoutMs: 60_000, what: "the order of the paid invoice" })
      // The job reads the settled invoice's transactions once and stores them.
      await runMeumReconcile(getContainer())
      const atMeum = env.sandbox().getInvoice(invoiceId)!

      const page = await loggedIn()
      await page.goto(`${admin.url}/orders/${orderId}`)
      const widget = page.getByTestId("meum-widget")
      await widget.getByText("Meum payment").waitFor({ timeout: 120_000 })
      await widget.getByText("Paid, order placed").waitFor({ timeout: 60_000 })
      // The on-chain facts: payment and settlement in words, the payment's hash linked to its explorer.
      const transactions = widget.getByTestId("meum-transactions")
      await transactions.getByText("Payment", { exact: true }).waitFor({ timeout: 60_000 })
      await transactions.getByText("Settlement", { exact: true }).waitFor()
      const hashLink = transactions.locator('[data-type="payment_origin"]').getByTestId("meum-transaction-link")
      expect(await hashLink.getAttribute("href")).toBe(`https://etherscan.io/tx/${atMeum.transaction_hash}`)
      expect(await transactions.innerText()).toMatch(/on Ethereum[\s\S]*12 confirmations/)
      await widget.getByTestId("meum-asked").getByText(asked).waitFor()
      await widget.getByTestId("meum-paid").getByText(asked).waitFor()
      expect(await widget.getByTestId("meum-paid-at").innerText()).toMatch(/Paid on\s*\S+/)
      expect(await widget.getByTestId("meum-paid-at").innerText()).not.toContain("—")
      await expectHumanWords(page, "meum-widget")
      await shot(page, "order-paid")
      await elementShot(page, widget, "order-widget-paid")
      await elementShot(page, transactions, "order-widget-transactions")
      await transactions.getByRole("button", { name: "Refresh from Meum" }).click()
      await page.getByText(`Transactions of invoice ${invoiceId} read again from Meum`).waitFor({ timeout: 60_000 })

      // Re-check asks first and confirms with a toast.
      await widget.getByRole("button", { name: "Re-check now" }).click()
      await page.getByRole("button", { name: "Re-check", exact: true }).click()
      await page.getByText(`Invoice ${invoiceId} re-checked`).waitFor({ timeout: 60_000 })

      // A refund sent on-chain, recorded with its transaction: asks first, toasts, lists it linked to its explorer.
      const refundHash = "0x" + "5eed".repeat(16)
      const refunds = widget.getByTestId("meum-refunds")
      await refunds.getByRole("button", { name: "Record a refund made on-chain" }).click()
      await refunds.locator("#meum-refund-amount").fill("1")
      await refunds.locator("#meum-refund-hash").fill(refundHash)
      await refunds.getByRole("button", { name: "Record refund", exact: true }).click()
      await page.getByRole("button", { name: "Yes, record it" }).click()
      await page.getByText("Refund recorded", { exact: true }).waitFor({ timeout: 60_000 })
      expect(await refunds.getByTestId("meum-refund-tx-link").getAttribute("href")).toBe(`https://etherscan.io/tx/${refundHash}`)
      await elementShot(page, refunds, "order-widget-manual-refund")

      // The Meum page, every invoice: the row links to its order.
      const link = await waitUntil(async () => {
        const response = await page.evaluate(async (url) => (await fetch(url, { credentials: "include" })).json(), `${String(api.defaults.baseURL).replace(/\/$/, "")}/admin/meum/ledger?state=completed`)
        return (response as { invoices: Array<{ order_id: string }> }).invoices[0]?.order_id
      }, { timeoutMs: 30_000, what: "the completed ledger row" })
      expect(link).toBe(orderId)
      await page.goto(`${admin.url}/meum`)
      await selectState(page, "Paid, order placed")
      const row = page.getByTestId("meum-ledger").locator("tbody tr", { hasText: invoiceId.slice(0, 10) })
      await row.getByTestId("meum-order-link").click()
      await page.waitForURL(new RegExp(`/app/orders/${orderId}$`))
      await shot(page, "meum-page-paid-row-followed")
    })

    it("many invoices: the Meum page shows them 20 at a time and filters them by state", async () => {
      const ledger = getContainer().resolve<any>("meumLedger")
      const rows = Array.from({ length: 25 }, (_, i) => ({
        invoice_id: `inv_attention_${String(i).padStart(2, "0")}`,
        provider_id: "pp_meum_meum",
        amount: "12.50",
        currency_code: "usd",
        meum_status: "paid",
        state: "needs_attention",
        attention_reason: "paid_without_order",
      }))
      await ledger.createMeumInvoices([
        ...rows,
        { invoice_id: "inv_closed_1", provider_id: "pp_meum_meum", amount: "3.00", currency_code: "usd", meum_status: "expired", state: "closed" },
      ])
      const page = await loggedIn()
      await page.goto(`${admin.url}/meum`)
      const table = page.getByTestId("meum-ledger")
      await table.getByText("20 of 25 results", { exact: true }).waitFor({ timeout: 120_000 })
      await expect(table.locator("tbody tr").count()).resolves.toBe(20)
      await table.getByText("Paid, but no order exists for it").first().waitFor()
      await shot(page, "meum-page-many")
      await table.getByRole("button", { name: "Next" }).click()
      await table.getByText("25 of 25 results", { exact: true }).waitFor()
      // The footer can show the next page's range a render before the rows follow it.
      await table.locator("tbody tr").nth(5).waitFor({ state: "detached" })
      await expect(table.locator("tbody tr").count()).resolves.toBe(5)
      // The closed invoice is not among what needs the merchant; the state filter finds it.
      expect(await table.getByText("inv_closed_1").count()).toBe(0)
      await selectState(page, "Closed")
      await table.getByText("inv_closed_1").waitFor()
      await table.getByText("$3.00").waitFor()
      await table.locator("tbody tr").nth(1).waitFor({ state: "detached" })
      await expect(table.locator("tbody tr").count()).resolves.toBe(1)
      await shot(page, "meum-page-filtered-closed")
    })

    it("a failed fetch shows an error with a retry on every page, never Loading… forever", async () => {
      const { cartId } = await paidOrder("paid")
      const [orderId] = await waitUntil(async () => {
        const orders = await ordersForCart(getContainer(), cartId)
        return orders.length ? orders : undefined
      }, { timeoutMs: 60_000, what: "the order of the paid invoice" })
      const page = await loggedIn()
      await page.route("**/admin/meum/**", (route) => route.fulfill({ status: 500, contentType: "application/json", body: JSON.stringify({ message: "the store is down" }) }))

      for (const [url, name] of [
        [`${admin.url}/meum`, "meum-page-fetch-failed"],
        [`${admin.url}/meum/health`, "meum-health-fetch-failed"],
        [`${admin.url}/orders/${orderId}`, "order-widget-fetch-failed"],
      ] as const) {
        await page.goto(url)
        const alert = page.getByTestId("meum-load-error").first()
        await alert.getByText(/Could not load this from the store: the store is down/).waitFor({ timeout: 120_000 })
        await alert.getByRole("button", { name: "Try again" }).waitFor()
        expect(await page.getByText("Loading…").count()).toBe(0)
        await shot(page, name)
      }
    })

    /** Picks a state in the table's filter menu. */
    async function selectState(page: Page, state: string) {
      await page.getByTestId("meum-filter-menu").getByRole("button").click()
      await page.getByRole("menuitem", { name: "State" }).click()
      await page.getByRole("listitem").filter({ hasText: state }).first().click()
    }
  },
})
