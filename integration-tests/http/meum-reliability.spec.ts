/**
 * The plugin's synchronous webhook route (/hooks/meum) and the reconcile job, on real Medusa +
 * PostgreSQL + the sandbox: exactly one order per paid invoice, whatever happens to webhooks.
 * One Medusa boot runs every test under both documented invoice id styles (the sandbox's setting
 * switched at run time, the sandbox reset before each, as a fresh one). The store is seeded once,
 * before the runner snapshots the database: every test starts from that seeded snapshot.
 */
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import Medusa from "@medusajs/js-sdk"
import { completeMeumCheckout, startMeumCheckout } from "../../src/storefront"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { signWebhook } from "../../src/lib/meum/webhook-signature"
import { MeumClient } from "../../src/lib/meum/client"
import { runMeumReconcile } from "../../src/jobs/reconcile-meum-payments"
import { meumRegistrationFor } from "../../src/lib/provider-registry"
import { webhookWorkQueue } from "../../src/api/hooks/meum/route"
import { seedStore, type SeededStore } from "../helpers/seed-store"
import { storeFlow } from "../helpers/store-flow"
import { capturesForCollection, ordersForCart, sessionState } from "../helpers/medusa-state"
import { TEST_API_KEY, TEST_WEBHOOK_SECRET, useMeumSandbox } from "../helpers/meum-sandbox-env"
import { adminAuthHeaders } from "../helpers/admin-auth"
import { cartWithOpenInvoice, cartsWithOpenInvoices, payWithWebhooksLost as payWithLostWebhooks } from "../helpers/meum-hooks-flow"
import type { IdStyle } from "../../src/sandbox/settings"

jest.setTimeout(300 * 1000)

// The races and bursts below create far more than Meum's 30 invoices a minute on purpose: they
// measure webhook handling, not creation, so this suite lifts the sandbox's create limit.
const env = useMeumSandbox({ webhookPath: "/hooks/meum", rateLimit: { max: 10_000, windowMs: 60_000 } })
let eventCounter = 0

/** Invoice ids as the developers landing page shows them (UUIDs), and as the API reference does (inv_…). */
const ID_STYLES: Array<{ reading: string; idStyle: IdStyle }> = [
  { reading: "UUID invoice ids", idStyle: "uuid" },
  { reading: "invoice ids of the API reference (inv_…)", idStyle: "inv" },
]

/** The id of a hand-written event body, so the signed header matches it (undefined when not JSON). */
function bodyEventId(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { id?: string }).id
  } catch {
    return undefined
  }
}

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer, dbConnection }) => {
    let seed: SeededStore
    const flow = () => storeFlow(api, seed.publishableKey, seed.regionId)

    beforeAll(async () => {
      env.connect(String(api.defaults.baseURL))
      seed = await seedStore(getContainer())
    })

    beforeEach(() => {
      // A failed test must not leave its faults to the next one.
      env.sandbox().resetFaults()
    })

    const cartWithSession = () => cartWithOpenInvoice(flow(), env.sandbox(), seed.variantId)
    const payWithWebhooksLost = (invoiceId: string, outcome?: "paid" | "underpaid" | "expired") => payWithLostWebhooks(env.sandbox(), invoiceId, outcome)

    function postWebhook(invoiceId: string, type = "invoice.paid", options: { secret?: string; body?: string } = {}) {
      const id = (options.body && bodyEventId(options.body)) || `evt_${String(++eventCounter).padStart(32, "0")}`
      const body = options.body ?? JSON.stringify({ id, type, createdAt: new Date().toISOString(), data: { invoice_id: invoiceId } })
      const headers = signWebhook({
        secret: options.secret ?? TEST_WEBHOOK_SECRET,
        rawBody: body,
        timestamp: Math.floor(Date.now() / 1000),
        eventType: type,
        eventId: id,
      })
      return api.post("/hooks/meum", body, { headers, transformRequest: [(data: string) => data], validateStatus: () => true })
    }

    describe.each(ID_STYLES)("sandbox: $reading", ({ idStyle }) => {
      beforeAll(() => {
        env.sandbox().reset()
        env.sandbox().settings.idStyle = idStyle
      })

      it("answers 401 to a forged webhook and 400 to a malformed one, changing nothing", async () => {
        const { cartId, session, invoiceId } = await cartWithSession()
        await payWithWebhooksLost(invoiceId)
        const forged = await postWebhook(invoiceId, "invoice.paid", { secret: "whsec_attacker" })
        expect(forged.status).toBe(401)
        const unsigned = await api.post("/hooks/meum", { id: "evt_x", type: "invoice.paid", data: { invoice_id: invoiceId } }, { validateStatus: () => true })
        expect(unsigned.status).toBe(401)
        const malformed = await postWebhook(invoiceId, "invoice.paid", { body: "{not json" })
        expect(malformed.status).toBe(400)
        expect(await ordersForCart(getContainer(), cartId)).toEqual([])
        expect((await sessionState(getContainer(), session.id)).status).toBe("pending")
      })

      it("answers a correctly signed event of a type and status Meum's docs do not list 200, and acts on the invoice only", async () => {
        const { cartId, session, invoiceId } = await cartWithSession()
        const future = JSON.stringify({
          id: `evt_future_${++eventCounter}`,
          type: "invoice.refund_requested",
          createdAt: new Date().toISOString(),
          data: { invoice_id: invoiceId, status: "refund_pending", paid_amount: "12.5 USDC" },
        })
        const answered = await postWebhook(invoiceId, "invoice.refund_requested", { body: future })
        expect(answered.status).toBe(200)
        expect(await ordersForCart(getContainer(), cartId)).toEqual([])
        expect((await sessionState(getContainer(), session.id)).status).toBe("pending")
      })

      it("logs why it acknowledged a webhook without acting: no invoice, unknown to Meum, not this store's", async () => {
        const infos = jest.spyOn(getContainer().resolve(ContainerRegistrationKeys.LOGGER), "info")
        const noInvoice = JSON.stringify({ id: `evt_noinv_${++eventCounter}`, type: "webhook.test", data: { message: "hello" } })
        expect((await postWebhook("", "webhook.test", { body: noInvoice })).status).toBe(200)
        const unknownId = "0f0e0d0c-0b0a-4908-8706-0504030201ff"
        expect((await postWebhook(unknownId)).status).toBe(200)
        // An invoice of the same Meum store made by something else (no Medusa session in its metadata).
        const other = new MeumClient({ apiKey: TEST_API_KEY, baseUrl: env.sandbox().url })
        const foreign = await other.createInvoice({ amount: "5.00", currency: "USD", external_order_id: "pos-sale-17" })
        other.close()
        expect((await postWebhook(foreign.id)).status).toBe(200)
        const logged = infos.mock.calls.map(([message]) => String(message))
        infos.mockRestore()
        expect(logged).toContainEqual(expect.stringMatching(/acknowledged without action: event webhook\.test carries no invoice \(event evt_noinv_\d+ webhook\.test, invoice none\)/))
        expect(logged).toContainEqual(expect.stringContaining(`acknowledged without action: the invoice is unknown to Meum (event evt_`))
        expect(logged).toContainEqual(expect.stringContaining(`invoice ${unknownId})`))
        expect(logged).toContainEqual(expect.stringContaining(`acknowledged without action: the invoice was not created by this store (event evt_`))
        expect(logged).toContainEqual(expect.stringContaining(`invoice ${foreign.id})`))
      })

      it("lets the shopper edit the cart while Meum is down, and the job cancels the old invoice later (ledger issue, defect 5)", async () => {
        const { cartId, invoiceId } = await cartWithSession()
        env.sandbox().setFaults({ api_error_rate: 1 })
        let edited
        try {
          edited = await api.post(
            `/store/carts/${cartId}/line-items/${(await flow().getCart(cartId)).items[0].id}`,
            { quantity: 3 },
            { headers: { "x-publishable-api-key": seed.publishableKey }, validateStatus: () => true }
          )
        } finally {
          env.sandbox().resetFaults()
        }
        expect(edited.status).toBe(200)
        expect(edited.data.cart.items[0].quantity).toBe(3)
        // The old invoice could not be cancelled during the outage: still payable at the old price…
        expect(env.sandbox().getInvoice(invoiceId)!.status).toBe("awaiting_payment")
        // …until the next job run, once Meum answers again.
        const summary = await runMeumReconcile(getContainer(), { abandoned: { minAgeMs: 0 } })
        expect(summary.abandonedCancelled).toBe(1)
        expect(env.sandbox().getInvoice(invoiceId)!.status).toBe("cancelled")
        expect((await runMeumReconcile(getContainer(), { abandoned: { minAgeMs: 0 } })).abandonedCancelled).toBe(0)
      })

      it("tells the shopper what to do when Meum fails, and keeps operator details out of the answer (ledger issue, defect 11)", async () => {
        const cart = await flow().createCart()
        await flow().addItem(cart.id, seed.variantId, 1)
        const headers = { "x-publishable-api-key": seed.publishableKey }
        const collection = (await api.post("/store/payment-collections", { cart_id: cart.id }, { headers })).data.payment_collection
        const start = () =>
          api.post(`/store/payment-collections/${collection.id}/payment-sessions`, { provider_id: "pp_meum_meum" }, { headers, validateStatus: () => true })

        env.sandbox().setFaults({ api_error_rate: 1 })
        const outage = await start().finally(() => env.sandbox().resetFaults())
        expect(outage.status).toBe(400)
        expect(outage.data.message).toBe("The crypto payment service is not answering right now. Please try again in a moment.")

        const errors = jest.spyOn(getContainer().resolve(ContainerRegistrationKeys.LOGGER), "error")
        env.sandbox().settings.payoutWalletConfigured = false
        const wallet = await start().finally(() => (env.sandbox().settings.payoutWalletConfigured = true))
        const logged = errors.mock.calls.map(([message]) => String(message))
        errors.mockRestore()
        expect(wallet.status).toBe(400)
        expect(wallet.data.message).toBe("Paying with crypto is not available right now. Please choose another payment method, or try again later.")
        expect(JSON.stringify(wallet.data)).not.toMatch(/wallet/i)
        expect(logged).toContainEqual(expect.stringContaining("payout (settlement) wallet is not configured"))
      })

      it("answers 200 only after the order exists, and marks a repeat as duplicate", async () => {
        const { cartId, session, invoiceId } = await cartWithSession()
        await payWithWebhooksLost(invoiceId)

        const first = await postWebhook(invoiceId)
        expect(first.status).toBe(200)
        expect(first.data).toEqual({ received: true })
        // Right after the response, no waiting: the order and the capture are committed.
        expect(await ordersForCart(getContainer(), cartId)).toHaveLength(1)
        expect(await capturesForCollection(getContainer(), session.payment_collection_id)).toEqual({ payments: 1, captures: 1, capturedAt: [expect.any(Date)] })

        const again = await postWebhook(invoiceId)
        expect(again.status).toBe(200)
        expect(again.data).toEqual({ received: true, duplicate: true })
        expect(await ordersForCart(getContainer(), cartId)).toHaveLength(1)
      })

      it("a paid invoice whose metadata Meum drops is matched by its invoice id (ledger) or its cart (external_order_id), and places exactly one order", async () => {
        const viaLedger = await cartWithSession()
        const viaCart = await cartWithSession()
        // The cart path: the ledger does not know the second invoice.
        const ledger = getContainer().resolve("meumLedger") as any
        const [row] = await ledger.listMeumInvoices({ invoice_id: viaCart.invoiceId })
        await ledger.deleteMeumInvoices([row.id])
        env.sandbox().setFaults({ strip_metadata: true })
        for (const { cartId, session, invoiceId } of [viaLedger, viaCart]) {
          await payWithWebhooksLost(invoiceId)
          env.sandbox().setFaults({ strip_metadata: true })
          // What the store reads back from Meum: no metadata at all.
          const reader = new MeumClient({ apiKey: TEST_API_KEY, baseUrl: env.sandbox().url })
          expect((await reader.getInvoice(invoiceId)).metadata ?? null).toBeNull()
          reader.close()
          const answer = await postWebhook(invoiceId)
          expect(answer.data).toEqual({ received: true })
          expect(answer.status).toBe(200)
          expect(await ordersForCart(getContainer(), cartId)).toHaveLength(1)
          expect(await capturesForCollection(getContainer(), session.payment_collection_id)).toEqual(expect.objectContaining({ payments: 1, captures: 1 }))
          expect((await postWebhook(invoiceId)).data).toEqual({ received: true, duplicate: true })
          expect(await ordersForCart(getContainer(), cartId)).toHaveLength(1)
        }
      })

      it("updates the session for underpaid and expired invoices, which Medusa's core route ignores", async () => {
        const under = await cartWithSession()
        await payWithWebhooksLost(under.invoiceId, "underpaid")
        expect((await postWebhook(under.invoiceId, "invoice.underpaid")).status).toBe(200)
        expect((await sessionState(getContainer(), under.session.id)).status).toBe("requires_more")

        const expired = await cartWithSession()
        await payWithWebhooksLost(expired.invoiceId, "expired")
        expect((await postWebhook(expired.invoiceId, "invoice.expired")).data).toEqual({ received: true })
        expect((await sessionState(getContainer(), expired.session.id)).status).toBe("canceled")
        expect((await postWebhook(expired.invoiceId, "invoice.expired")).data).toEqual({ received: true, duplicate: true })
        expect(await ordersForCart(getContainer(), under.cartId)).toEqual([])
        expect(await ordersForCart(getContainer(), expired.cartId)).toEqual([])
      })

      it("with every webhook dropped, one job run turns each paid invoice into exactly one order", async () => {
        const carts = [await cartWithSession(), await cartWithSession(), await cartWithSession()]
        const unpaid = await cartWithSession()
        for (const { invoiceId } of carts) await payWithWebhooksLost(invoiceId)

        const summary = await runMeumReconcile(getContainer())
        expect(summary).toEqual(expect.objectContaining({ captured: 3, failed: 0 }))
        for (const { cartId, session } of carts) {
          expect(await ordersForCart(getContainer(), cartId)).toHaveLength(1)
          expect(await capturesForCollection(getContainer(), session.payment_collection_id)).toEqual(expect.objectContaining({ payments: 1, captures: 1 }))
        }
        expect(await ordersForCart(getContainer(), unpaid.cartId)).toEqual([])
        const second = await runMeumReconcile(getContainer())
        expect(second.captured).toBe(0)
      })

      it("delivered three times and reordered, each paid invoice gives one order and one capture", async () => {
        const carts = [await cartWithSession(), await cartWithSession()]
        env.sandbox().setFaults({ webhook_duplicates: 3, webhook_reorder: true })
        try {
          for (const { invoiceId } of carts) await env.sandbox().simulate(invoiceId, "paid")
          await env.sandbox().waitForDeliveries(
            (all) => carts.every(({ invoiceId }) => all.filter((d) => d.invoice_id === invoiceId && d.event_type === "invoice.paid" && d.status_code === 200).length >= 3),
            { timeoutMs: 60_000 }
          )
        } finally {
          env.sandbox().resetFaults()
        }
        for (const { cartId, session } of carts) {
          expect(await ordersForCart(getContainer(), cartId)).toHaveLength(1)
          expect(await capturesForCollection(getContainer(), session.payment_collection_id)).toEqual(expect.objectContaining({ payments: 1, captures: 1 }))
        }
      })

      it("a burst of concurrent paid webhooks answered 202 {queued} before the work ends: one order per cart", async () => {
        const carts = await cartsWithOpenInvoices(flow(), env.sandbox(), seed.variantId, 8)
        const options = meumRegistrationFor(getContainer(), "pp_meum_meum")!.options
        const budget = options.webhookResponseBudgetMs
        // Nothing waits for its work: every delivery is acknowledged as soon as it is queued.
        options.webhookResponseBudgetMs = 0
        try {
          env.sandbox().setFaults({ webhook_hold: true, webhook_duplicates: 2 })
          for (const { invoiceId } of carts) await env.sandbox().simulate(invoiceId, "paid")
          const ids = new Set<string | null>(carts.map((c) => c.invoiceId))
          const answered = env.sandbox().waitForDeliveries(
            (all) => all.filter((d) => ids.has(d.invoice_id) && d.event_type === "invoice.paid").length >= 16,
            { timeoutMs: 60_000 }
          )
          env.sandbox().setFaults({ webhook_hold: false }) // 16 deliveries at once (each event twice)
          const paid = (await answered).filter((d) => ids.has(d.invoice_id) && d.event_type === "invoice.paid")
          expect(paid.map((d) => d.status_code)).toEqual(new Array(16).fill(202))
          await webhookWorkQueue(options.webhookConcurrency).idle()
        } finally {
          options.webhookResponseBudgetMs = budget
          env.sandbox().resetFaults()
        }
        for (const { cartId, session } of carts) {
          expect(await ordersForCart(getContainer(), cartId)).toHaveLength(1)
          expect(await capturesForCollection(getContainer(), session.payment_collection_id)).toEqual(expect.objectContaining({ payments: 1, captures: 1 }))
        }
      })

      it("keeps the admin routes behind admin auth; Re-check now reconciles a session on demand", async () => {
        const { cartId, session, invoiceId } = await cartWithSession()
        await payWithWebhooksLost(invoiceId)
        const anonymous = await api.post(`/admin/meum/payment-sessions/${session.id}/reconcile`, {}, { validateStatus: () => true })
        expect(anonymous.status).toBe(401)
        expect((await api.get(`/admin/meum/orders/order_x`, { validateStatus: () => true })).status).toBe(401)
        expect(await ordersForCart(getContainer(), cartId)).toEqual([])

        const headers = await adminAuthHeaders(api, getContainer())
        const recheck = await api.post(`/admin/meum/payment-sessions/${session.id}/reconcile`, {}, { headers })
        expect(recheck.status).toBe(200)
        expect(recheck.data.result).toEqual(expect.objectContaining({ outcome: "captured", duplicate: false }))
        const [orderId] = await ordersForCart(getContainer(), cartId)
        expect(orderId).toBeDefined()

        const view = await api.get(`/admin/meum/orders/${orderId}`, { headers })
        expect(view.data.meum_sessions).toEqual([
          expect.objectContaining({
            session_id: session.id,
            session_status: "authorized",
            invoice: expect.objectContaining({ id: invoiceId, status: "paid", paid_amount: "41.00", transaction_hash: expect.stringMatching(/^0x/) }),
          }),
        ])
        expect(JSON.stringify(view.data)).not.toContain(TEST_API_KEY)
        expect(JSON.stringify(view.data)).not.toContain(TEST_WEBHOOK_SECRET)
        const invalid = await api.post(`/admin/meum/payment-sessions/not-a-session/reconcile`, {}, { headers, validateStatus: () => true })
        expect(invalid.status).toBe(400)
      })

      it("lets the merchant accept an underpayment: order placed, what was received captured, shortfall recorded", async () => {
        const { cartId, session, invoiceId } = await cartWithSession()
        await payWithWebhooksLost(invoiceId, "underpaid")
        const headers = await adminAuthHeaders(api, getContainer())
        const accepted = await api.post(`/admin/meum/payment-sessions/${session.id}/underpaid`, { decision: "accept" }, { headers })
        expect(accepted.data).toEqual(expect.objectContaining({ decision: "accept", paid_amount: "20.50", shortfall: "20.5", order_id: expect.any(String) }))
        expect(await ordersForCart(getContainer(), cartId)).toEqual([accepted.data.order_id])
        const state = await sessionState(getContainer(), session.id)
        expect(state.status).toBe("authorized")
        expect(state.data).toEqual(expect.objectContaining({ meum_underpaid_decision: "accepted", meum_shortfall: "20.5" }))
        expect(state.payment.captures.map((c: any) => Number(c.amount))).toEqual([20.5])
        const twice = await api.post(`/admin/meum/payment-sessions/${session.id}/underpaid`, { decision: "accept" }, { headers, validateStatus: () => true })
        expect(twice.status).toBe(400)
      })

      it("lets the merchant reject an underpayment: session cancelled, no order, refund outside Medusa", async () => {
        const { cartId, session, invoiceId } = await cartWithSession()
        await payWithWebhooksLost(invoiceId, "underpaid")
        const headers = await adminAuthHeaders(api, getContainer())
        const bad = await api.post(`/admin/meum/payment-sessions/${session.id}/underpaid`, { decision: "maybe" }, { headers, validateStatus: () => true })
        expect(bad.status).toBe(400)
        const rejected = await api.post(`/admin/meum/payment-sessions/${session.id}/underpaid`, { decision: "reject", note: "told the shopper by email" }, { headers })
        expect(rejected.data.message).toContain("refund the shopper's 20.50 USD outside Medusa")
        expect((await sessionState(getContainer(), session.id)).status).toBe("canceled")
        expect(await ordersForCart(getContainer(), cartId)).toEqual([])
        expect((await flow().complete(cartId)).status).toBe(400)

        // The shopper is owed a refund: the cart gets no new invoice, and is told why, until the merchant marks it done.
        const [row] = await (getContainer().resolve("meumLedger") as any).listMeumInvoices({ invoice_id: invoiceId })
        expect(row).toEqual(expect.objectContaining({ state: "needs_attention", attention_reason: "refund_due", decision: "rejected", decision_note: "told the shopper by email", decided_by: expect.stringMatching(/^user_/) }))
        const invoicesBefore = env.sandbox().listInvoices().length
        const refused = await flow().startSession(cartId, "pp_meum_meum").then(() => undefined, (error: Error) => error.message)
        expect(refused).toContain('"code":"meum_refund_pending"')
        expect(refused).toContain("is refunding it")
        expect(env.sandbox().listInvoices()).toHaveLength(invoicesBefore)
        // The job, and the admin's "Re-check now", leave it with the merchant.
        await api.post(`/admin/meum/payment-sessions/${session.id}/reconcile`, {}, { headers, validateStatus: () => true })
        expect(await flow().startSession(cartId, "pp_meum_meum").then(() => "started", (error: Error) => error.message)).toContain("meum_refund_pending")
        await runMeumReconcile(getContainer(), { now: () => Date.now() + 24 * 3_600_000 })
        expect((await (getContainer().resolve("meumLedger") as any).listMeumInvoices({ invoice_id: invoiceId }))[0].attention_reason).toBe("refund_due")

        const done = await api.post(`/admin/meum/invoices/${invoiceId}/resolve`, { note: "refunded 20.50 USDC, tx 0xabc" }, { headers })
        expect(done.status).toBe(200)
        const fresh = await flow().startSession(cartId, "pp_meum_meum")
        expect(fresh.data.invoice_id).not.toBe(invoiceId)
      })

      it("a partial payment seen from the storefront helper: under review (no second invoice); refused: the store is refunding it; payable again once the refund is marked done", async () => {
        const sdk = new Medusa({ baseUrl: String(api.defaults.baseURL), publishableKey: seed.publishableKey })
        const { cart } = await sdk.store.cart.create({ region_id: seed.regionId, email: "partial@example.com" })
        await sdk.store.cart.createLineItem(cart.id, { variant_id: seed.variantId, quantity: 1 })
        const current = async () => (await sdk.store.cart.retrieve(cart.id)).cart as any
        const started = await startMeumCheckout(sdk as any, await current(), { returnUrl: "http://localhost:8000/return" })
        const paidPart = await fetch(started.checkoutUrl, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ action: "pay_underpaid" }).toString(),
          redirect: "manual",
        })
        expect(paidPart.status).toBe(303)

        const seen = await completeMeumCheckout(sdk as any, cart.id, { maxWaitMs: 15_000, pollIntervalMs: 200 })
        expect(seen).toEqual(expect.objectContaining({ kind: "underpaid", message: expect.stringContaining("less than the order total") }))
        const invoices = () => env.sandbox().listInvoices().filter((invoice) => invoice.metadata?.medusa_cart_id === cart.id).length
        const startAgain = async () => startMeumCheckout(sdk as any, await current(), { returnUrl: "http://localhost:8000/return" }).then(() => "started", (error: { code?: string }) => error.code)
        expect(await startAgain()).toBe("under_review")
        expect(invoices()).toBe(1)

        const headers = await adminAuthHeaders(api, getContainer())
        const sessionId = (await current()).payment_collection.payment_sessions[0].id
        await api.post(`/admin/meum/payment-sessions/${sessionId}/underpaid`, { decision: "reject", note: "refund on its way" }, { headers })
        expect(await startAgain()).toBe("refund_pending")
        expect(invoices()).toBe(1)

        await api.post(`/admin/meum/invoices/${started.invoiceId}/resolve`, { note: "refunded 0.00x on-chain" }, { headers })
        expect(await startAgain()).toBe("started")
        expect(invoices()).toBe(2)
      })

      it("a partial payment the merchant accepts, seen from the storefront helper: under review, then the order", async () => {
        const sdk = new Medusa({ baseUrl: String(api.defaults.baseURL), publishableKey: seed.publishableKey })
        const { cart } = await sdk.store.cart.create({ region_id: seed.regionId, email: "accepted@example.com" })
        await sdk.store.cart.createLineItem(cart.id, { variant_id: seed.variantId, quantity: 1 })
        const started = await startMeumCheckout(sdk as any, (await sdk.store.cart.retrieve(cart.id)).cart as any, { returnUrl: "http://localhost:8000/return" })
        await fetch(started.checkoutUrl, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "action=pay_underpaid", redirect: "manual" })
        expect((await completeMeumCheckout(sdk as any, cart.id, { maxWaitMs: 15_000, pollIntervalMs: 200 })).kind).toBe("underpaid")

        const headers = await adminAuthHeaders(api, getContainer())
        const accepted = await api.post(`/admin/meum/payment-sessions/${started.sessionId}/underpaid`, { decision: "accept", note: "the rest paid by bank transfer" }, { headers })
        expect(accepted.data.order_id).toEqual(expect.any(String))
        const seen = await completeMeumCheckout(sdk as any, cart.id, { maxWaitMs: 15_000, pollIntervalMs: 200 })
        expect(seen).toEqual(expect.objectContaining({ kind: "order", order: expect.objectContaining({ id: accepted.data.order_id }) }))
      })

      it("answers 503 on a database fault and succeeds when the sandbox retries", async () => {
        const { cartId, invoiceId } = await cartWithSession()
        env.sandbox().setWebhookRetry({ maxAttempts: 4, baseDelayMs: 1500, maxDelayMs: 1500 })
        await dbConnection.raw('ALTER TABLE "payment" RENAME TO "payment_unavailable"')
        let restored = false
        try {
          await env.sandbox().simulate(invoiceId, "paid")
          const [failed] = await env.sandbox().waitForDeliveries(
            (all) => all.some((d) => d.invoice_id === invoiceId && d.event_type === "invoice.paid" && d.status_code === 503),
            { timeoutMs: 30_000 }
          ).then((all) => all.filter((d) => d.invoice_id === invoiceId && d.event_type === "invoice.paid"))
          expect(failed).toEqual(expect.objectContaining({ attempt_number: 1, status_code: 503 }))
          expect(await ordersForCart(getContainer(), cartId)).toEqual([])
          await dbConnection.raw('ALTER TABLE "payment_unavailable" RENAME TO "payment"')
          restored = true
          const attempts = await env.sandbox().waitForDeliveries(
            (all) => all.some((d) => d.invoice_id === invoiceId && d.event_type === "invoice.paid" && d.status_code === 200),
            { timeoutMs: 30_000 }
          )
          const codes = attempts.filter((d) => d.invoice_id === invoiceId && d.event_type === "invoice.paid").map((d) => d.status_code)
          expect(codes[0]).toBe(503)
          expect(codes[codes.length - 1]).toBe(200)
        } finally {
          if (!restored) await dbConnection.raw('ALTER TABLE "payment_unavailable" RENAME TO "payment"')
          env.sandbox().setWebhookRetry({ maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 })
        }
        expect(await ordersForCart(getContainer(), cartId)).toHaveLength(1)
      })

      it("a completion that fails after payment (Medusa replaces the session): the retried webhook still places the order", async () => {
        const { cartId, session, invoiceId } = await cartWithSession()
        env.sandbox().setWebhookRetry({ maxAttempts: 4, baseDelayMs: 1500, maxDelayMs: 1500 })
        // Order creation fails after Medusa authorized and captured the payment: its compensation
        // then deletes the paid session and creates a fresh one with a new, unpaid invoice.
        await dbConnection.raw('ALTER TABLE "order_summary" RENAME TO "order_summary_unavailable"')
        let restored = false
        try {
          await env.sandbox().simulate(invoiceId, "paid")
          await env.sandbox().waitForDeliveries(
            (all) => all.some((d) => d.invoice_id === invoiceId && d.event_type === "invoice.paid" && d.status_code === 503),
            { timeoutMs: 30_000 }
          )
          await dbConnection.raw('ALTER TABLE "order_summary_unavailable" RENAME TO "order_summary"')
          restored = true
          const replaced = (await flow().getCart(cartId)).payment_collection.payment_sessions
          expect(replaced.map((s: any) => s.id)).not.toContain(session.id)
          await env.sandbox().waitForDeliveries(
            (all) => all.some((d) => d.invoice_id === invoiceId && d.event_type === "invoice.paid" && d.status_code === 200),
            { timeoutMs: 30_000 }
          )
        } finally {
          if (!restored) await dbConnection.raw('ALTER TABLE "order_summary_unavailable" RENAME TO "order_summary"')
          env.sandbox().setWebhookRetry({ maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 })
        }
        const orders = await ordersForCart(getContainer(), cartId)
        expect(orders).toHaveLength(1)
        const [current] = (await flow().getCart(cartId)).payment_collection.payment_sessions
        expect(current.data).toEqual(expect.objectContaining({ invoice_id: invoiceId, status: "paid", meum_adopted_from_session: session.id }))
        const state = await sessionState(getContainer(), current.id)
        expect(state.status).toBe("authorized")
        // Medusa captured a payment for the replaced session too (its refund failed: Meum has none):
        // that second record of the same money is cancelled, one live captured payment remains.
        const payments = await (getContainer().resolve(Modules.PAYMENT) as any).listPayments({ payment_collection_id: session.payment_collection_id })
        const live = payments.filter((p: any) => !p.canceled_at)
        expect(live.map((p: any) => [p.payment_session_id, Boolean(p.captured_at)])).toEqual([[current.id, true]])
        const query = getContainer().resolve(ContainerRegistrationKeys.QUERY) as any
        const { data: [order] } = await query.graph({ entity: "order", fields: ["id", "total", "summary.*"], filters: { id: orders[0] } })
        expect(Number(order.summary.paid_total)).toBe(Number(order.total))
        // The replacement's invoice can no longer be paid, and the shopper's return finds the order.
        expect(env.sandbox().getInvoice(current.data.meum_replaced_invoice_id)?.status).toBe("cancelled")
        const completed = await flow().complete(cartId)
        expect(completed.status).toBe(200)
        expect(completed.data.order.id).toBe(orders[0])
        // A late copy of the paid event finds the adopting session: a duplicate, nothing more.
        expect((await postWebhook(invoiceId)).data).toEqual({ received: true, duplicate: true })
        expect(await ordersForCart(getContainer(), cartId)).toEqual(orders)
      })

      it("and when no webhook comes back after that failure, the reconcile job adopts the paid invoice", async () => {
        const { cartId, session, invoiceId } = await cartWithSession()
        await payWithWebhooksLost(invoiceId)
        // No webhook at all from here on (not even invoice.created of the replacement's invoice,
        // which would let the route adopt): only the job can.
        env.sandbox().setFaults({ webhook_drop_rate: 1 })
        await dbConnection.raw('ALTER TABLE "order_summary" RENAME TO "order_summary_unavailable"')
        try {
          expect((await postWebhook(invoiceId)).status).toBe(503)
        } finally {
          await dbConnection.raw('ALTER TABLE "order_summary_unavailable" RENAME TO "order_summary"')
        }
        const [replacement] = (await flow().getCart(cartId)).payment_collection.payment_sessions
        expect(replacement.id).not.toBe(session.id)
        expect(replacement.data.meum_previous_invoice_id).toBe(invoiceId)
        expect(await ordersForCart(getContainer(), cartId)).toEqual([])

        // The job discovers the replacement session (its invoice.created was lost too) and adopts.
        const summary = await runMeumReconcile(getContainer()).finally(() => env.sandbox().resetFaults())
        expect(summary).toEqual(expect.objectContaining({ captured: 1, failed: 0 }))
        expect(await ordersForCart(getContainer(), cartId)).toHaveLength(1)
        const state = await sessionState(getContainer(), replacement.id)
        expect(state.data).toEqual(expect.objectContaining({ invoice_id: invoiceId, status: "paid" }))
        const payments = await (getContainer().resolve(Modules.PAYMENT) as any).listPayments({ payment_collection_id: session.payment_collection_id })
        expect(payments.filter((p: any) => !p.canceled_at).map((p: any) => p.payment_session_id)).toEqual([replacement.id])
        expect((await runMeumReconcile(getContainer())).captured).toBe(0)
      })

      it("races of webhook vs shopper return give exactly one order each", async () => {
        const RACES = Number(process.env.MEUM_RACES ?? 50)
        // The carts are prepared first, a few at a time; the races run one after another.
        for (const { cartId, invoiceId } of await cartsWithOpenInvoices(flow(), env.sandbox(), seed.variantId, RACES)) {
          await payWithWebhooksLost(invoiceId)
          const [hook, completed] = await Promise.all([postWebhook(invoiceId), flow().complete(cartId)])
          expect([200, 409]).toContain(completed.status)
          expect(hook.status).toBe(200)
          const orders = await ordersForCart(getContainer(), cartId)
          expect(orders).toHaveLength(1)
          if (completed.status === 200) expect(completed.data.order?.id ?? orders[0]).toBe(orders[0])
        }
      })
    })
  },
})
