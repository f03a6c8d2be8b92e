/**
 * The plugin's ledger on real Medusa + PostgreSQL + the sandbox, over HTTP: the defects of the
 * ledger issue that need durable, server-owned state (numbers refer to the issue).
 */
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { signWebhook } from "../../src/lib/meum/webhook-signature"
import { runMeumReconcile } from "../../src/jobs/reconcile-meum-payments"
import { seedStore, type SeededStore } from "../helpers/seed-store"
import { storeFlow } from "../helpers/store-flow"
import { ordersForCart, sessionState } from "../helpers/medusa-state"
import { TEST_WEBHOOK_SECRET, useMeumSandbox } from "../helpers/meum-sandbox-env"
import { adminAuthHeaders } from "../helpers/admin-auth"
import { waitUntil } from "../helpers/wait-until"
import { cartWithOpenInvoice, payWithWebhooksLost as payWithLostWebhooks } from "../helpers/meum-hooks-flow"
import { windowStartOf } from "../../src/modules/meum-ledger/counter-window"
import { rejectDelivery } from "../../src/api/hooks/meum/rejected-delivery"

jest.setTimeout(300 * 1000)

const env = useMeumSandbox({ webhookPath: "/hooks/meum", rateLimit: { max: 10_000, windowMs: 60_000 } })
let eventCounter = 0
const HOUR = 3_600_000

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer, dbConnection }) => {
    let seed: SeededStore
    const flow = () => storeFlow(api, seed.publishableKey, seed.regionId)
    const ledger = () => getContainer().resolve("meumLedger") as any
    const ledgerRow = async (invoiceId: string) => (await ledger().listMeumInvoices({ invoice_id: invoiceId }))[0]

    beforeEach(async () => {
      env.connect(String(api.defaults.baseURL))
      seed = await seedStore(getContainer())
    })

    const cartWithSession = (email?: string) => cartWithOpenInvoice(flow(), env.sandbox(), seed.variantId, email)
    const payWithWebhooksLost = (invoiceId: string, outcome?: "paid" | "underpaid") => payWithLostWebhooks(env.sandbox(), invoiceId, outcome)

    function postWebhook(invoiceId: string, type = "invoice.paid", eventId = `evt_${String(++eventCounter).padStart(32, "0")}`) {
      const body = JSON.stringify({ id: eventId, type, createdAt: new Date().toISOString(), data: { invoice_id: invoiceId } })
      const headers = signWebhook({ secret: TEST_WEBHOOK_SECRET, rawBody: body, timestamp: Math.floor(Date.now() / 1000), eventType: type, eventId })
      return api.post("/hooks/meum", body, { headers, transformRequest: [(data: string) => data], validateStatus: () => true })
    }

    it("counts per key and window in one row, without losing concurrent bumps, keeping the last five samples", async () => {
      const now = Date.parse("2026-12-05T10:00:30Z")
      const counts = await Promise.all(
        Array.from({ length: 20 }, (_, i) => ledger().bumpCounter({ key: "test:a", windowMs: 60_000, now, sample: { n: i } }))
      )
      // Every bump counted once, each saw a distinct count.
      expect([...counts].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
      expect(await ledger().currentCount({ key: "test:a", windowMs: 60_000, now })).toBe(20)
      // The next window starts again; another key is apart.
      expect(await ledger().bumpCounter({ key: "test:a", windowMs: 60_000, now: now + 60_000 })).toBe(1)
      expect(await ledger().currentCount({ key: "test:b", windowMs: 60_000, now })).toBe(0)
      const rows = await ledger().listCounters({ prefix: "test:", since: new Date(now - 3_600_000) })
      expect(rows.map((row) => [row.key, row.count])).toEqual([["test:a", 1], ["test:a", 20]])
      expect(rows[1].samples).toHaveLength(5)
      expect(await ledger().listMeumCounters({ key: "test:a" })).toHaveLength(2)
      expect(await ledger().pruneCounters(windowStartOf(now + 60_000, 60_000))).toBe(1)
      expect(await ledger().listMeumCounters({ key: "test:a" })).toHaveLength(1)
    })

    it("10,000 rejected deliveries (a few hundred over HTTP) add at most one counter row per reason and minute, no delivery row, and a bounded number of log lines", async () => {
      const container = getContainer() as any
      const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
      const spies = (["warn", "info", "error"] as const).map((level) => jest.spyOn(logger, level))
      const deliveryRowsBefore = (await ledger().listMeumWebhookEvents({})).length
      const rejectedKeys = async () => (await ledger().listCounters({ prefix: "webhook_rejected:", since: new Date(0), limit: 10_000 })).length
      const keysBefore = await rejectedKeys()
      const minutesBefore = Math.floor(Date.now() / 60_000)
      try {
        // Over HTTP: 300 forged deliveries of three kinds, 20 at a time.
        const body = JSON.stringify({ id: "evt_flood", type: "invoice.paid", data: { invoice_id: "inv_flood" }, pad: "p".repeat(2_000) })
        const timestamp = String(Math.floor(Date.now() / 1000))
        const kinds = [
          { "x-stablecoin-timestamp": timestamp, "x-stablecoin-signature": `v1=${"ab".repeat(32)}` },
          { "x-stablecoin-timestamp": timestamp },
          { "x-stablecoin-timestamp": timestamp, "x-stablecoin-signature": Array.from({ length: 50 }, () => "v1=").join(",") },
        ]
        const statuses: number[] = []
        for (let batch = 0; batch < 15; batch++) {
          const answers = await Promise.all(
            Array.from({ length: 20 }, (_, i) =>
              api.post("/hooks/meum", body, {
                headers: { "content-type": "application/json", ...kinds[(batch * 20 + i) % 3] },
                transformRequest: [(d: string) => d],
                validateStatus: () => true,
              })
            )
          )
          statuses.push(...answers.map((answer) => answer.status))
        }
        expect(statuses.filter((status) => status === 401)).toHaveLength(200)
        expect(statuses.filter((status) => status === 400)).toHaveLength(100)

        // The recording itself, 10,000 times over three minutes of a past day (as the route calls it).
        const start = Date.parse("2026-01-05T10:00:00Z")
        for (let i = 0; i < 10_000; i += 50) {
          await Promise.all(
            Array.from({ length: 50 }, (_, j) =>
              rejectDelivery(container, {
                reason: (i + j) % 2 ? "bad_signature" : "missing_signature",
                httpStatus: 401,
                bodyBytes: 10,
                headerLengths: { "x-stablecoin-signature": 67 },
                now: start + Math.floor(((i + j) * 180_000) / 10_000),
              })
            )
          )
        }
        const minutes = Math.floor(Date.now() / 60_000) - minutesBefore + 1
        // 3 reasons over the HTTP minutes, 2 reasons × 3 minutes for the direct calls.
        expect((await rejectedKeys()) - keysBefore).toBeLessThanOrEqual(3 * minutes + 2 * 3)
        expect((await ledger().listMeumWebhookEvents({})).length).toBe(deliveryRowsBefore)
        const lines = spies.flatMap((spy) => spy.mock.calls.map(([message]) => String(message))).filter((line) => /Meum webhook/.test(line))
        // Per reason and minute: the first rejection, then one summary line.
        expect(lines.length).toBeGreaterThan(0)
        expect(lines.length).toBeLessThanOrEqual(2 * (3 * minutes + 2 * 3))
        expect(lines.join("\n")).not.toContain("v1=")

        // The admin shows the counts of the last hour and a few samples: lengths, never the values.
        const headers = await adminAuthHeaders(api, container)
        const { rejected } = (await api.get("/admin/meum/deliveries", { headers })).data
        const total = (reason: string) =>
          rejected.minutes.filter((minute: { reason: string }) => minute.reason === reason).reduce((sum: number, minute: { count: number }) => sum + minute.count, 0)
        expect(total("too_many_signatures")).toBeGreaterThanOrEqual(100)
        expect(total("missing_signature")).toBeGreaterThanOrEqual(100)
        expect(rejected.samples.length).toBeGreaterThan(0)
        expect(rejected.samples.length).toBeLessThanOrEqual(50)
        const oversized = rejected.samples.find((sample: { reason: string }) => sample.reason === "too_many_signatures")
        expect(oversized).toEqual(
          expect.objectContaining({ http_status: 400, body_bytes: Buffer.byteLength(body), header_lengths: expect.objectContaining({ "x-stablecoin-signature": 50 * 4 - 1 }) })
        )
        expect(JSON.stringify(rejected)).not.toContain("v1=")
        expect(JSON.stringify(rejected)).not.toContain("inv_flood")
      } finally {
        for (const spy of spies) spy.mockRestore()
      }
    })

    it("records every delivery (event id unique), answers a repeat of the same event as a duplicate, and keeps forged ones apart", async () => {
      const { cartId, invoiceId } = await cartWithSession()
      await payWithWebhooksLost(invoiceId)
      const eventId = `evt_${"f".repeat(32)}`
      expect((await postWebhook(invoiceId, "invoice.paid", eventId)).data).toEqual({ received: true })
      expect((await postWebhook(invoiceId, "invoice.paid", eventId)).data).toEqual({ received: true, duplicate: true })
      expect(await ordersForCart(getContainer(), cartId)).toHaveLength(1)
      const [event] = await ledger().listMeumWebhookEvents({ event_id: eventId })
      expect(event).toEqual(expect.objectContaining({ verdict: "ok", outcome: "duplicate", deliveries: 2, invoice_id: invoiceId }))
      // A forged delivery claiming a real event id is recorded under its own id, verdict and answer.
      const body = JSON.stringify({ id: "evt_forged_1", type: "invoice.paid", data: { invoice_id: invoiceId } })
      const forged = signWebhook({ secret: "whsec_attacker", rawBody: body, timestamp: Math.floor(Date.now() / 1000), eventType: "invoice.paid", eventId: "evt_forged_1" })
      expect((await api.post("/hooks/meum", body, { headers: forged, transformRequest: [(d: string) => d], validateStatus: () => true })).status).toBe(401)
      expect(await ledger().listMeumWebhookEvents({ event_id: "evt_forged_1" })).toEqual([])
      // Not a row of its own: counted per reason and minute.
      expect(await ledger().listMeumWebhookEvents({ verdict: "bad_signature" })).toEqual([])
      const [counted] = await ledger().listCounters({ prefix: "webhook_rejected:bad_signature:", since: new Date(Date.now() - HOUR) })
      expect(counted).toEqual(expect.objectContaining({ count: expect.any(Number), samples: expect.arrayContaining([expect.objectContaining({ http_status: 401, reason: "bad_signature" })]) }))
      expect(await ledgerRow(invoiceId)).toEqual(expect.objectContaining({ state: "completed", meum_status: "paid", order_id: expect.any(String) }))
    })

    it("records what was asked when the invoice is created (no webhook needed) and decides from it, whatever the session data says later", async () => {
      env.sandbox().setFaults({ webhook_drop_rate: 1 })
      const cart = await flow().createCart()
      await flow().addItem(cart.id, seed.variantId, 2)
      const session = await flow().startSession(cart.id, "pp_meum_meum")
      const invoiceId = String(session.data.invoice_id)
      const recorded = await waitUntil(() => ledgerRow(invoiceId), { timeoutMs: 10_000, what: "the ledger row of the new invoice" })
      env.sandbox().resetFaults()
      expect(recorded).toEqual(expect.objectContaining({ state: "open", amount: "41.00", currency_code: "USD", payment_session_id: session.id, cart_id: cart.id }))
      // Session data is shopper-writable: a changed "amount" there must not decide.
      await dbConnection.raw(`UPDATE payment_session SET data = jsonb_set(data, '{amount}', '"1.00"') WHERE id = ?`, [session.id])

      await payWithWebhooksLost(invoiceId)
      expect((await postWebhook(invoiceId)).status).toBe(200)
      expect(await ordersForCart(getContainer(), cart.id)).toHaveLength(1)
      expect(await ledgerRow(invoiceId)).toEqual(expect.objectContaining({ state: "completed", amount: "41.00" }))
    })

    it("finds a paid invoice behind many open sessions and older than any age limit in one job run (defect 8)", async () => {
      const open = [await cartWithSession("a@example.com"), await cartWithSession("b@example.com"), await cartWithSession("c@example.com")]
      const paid = await cartWithSession("paid@example.com")
      await payWithWebhooksLost(paid.invoiceId)
      // Five days old: the previous job forgot sessions after 72 h.
      await dbConnection.raw(`UPDATE payment_session SET created_at = now() - interval '5 days' WHERE id = ?`, [paid.session.id])
      const summary = await runMeumReconcile(getContainer(), { batchSize: 2 })
      expect(summary.captured).toBe(1)
      expect(await ordersForCart(getContainer(), paid.cartId)).toHaveLength(1)
      for (const { cartId } of open) expect(await ordersForCart(getContainer(), cartId)).toEqual([])
    })

    it("/hooks/meum reads a paid invoice from Meum at most twice per delivery until the order (sandbox request log)", async () => {
      const { cartId, invoiceId } = await cartWithSession()
      const since = Date.now()
      await env.sandbox().simulate(invoiceId, "paid")
      await env.sandbox().waitForDeliveries((all) => all.some((d) => d.invoice_id === invoiceId && d.event_type === "invoice.paid" && d.status_code === 200), { timeoutMs: 60_000 })
      expect(await ordersForCart(getContainer(), cartId)).toHaveLength(1)
      const reads = env.sandbox().requests().filter((r) => r.at >= since && r.method === "GET" && r.path.startsWith(`/v1/invoices/${invoiceId}`)).length
      const deliveries = env.sandbox().deliveries().filter((d) => d.invoice_id === invoiceId && d.event_type === "invoice.paid").length
      // The route's authoritative read, handed to the workflow; Medusa's authorize and capture reuse it.
      expect(reads).toBeGreaterThanOrEqual(1)
      expect(reads).toBeLessThanOrEqual(2 * deliveries)
    })

    it("cancels at Meum an invoice still open past the plugin's lifetime; the shopper's next attempt gets a fresh invoice", async () => {
      const { cartId, session, invoiceId } = await cartWithSession()
      // The job first sees it open: it comes back when the lifetime (60 min by default) ends, not in 6 h.
      await runMeumReconcile(getContainer())
      const seen = await ledgerRow(invoiceId)
      expect(seen.state).toBe("open")
      expect(new Date(seen.next_check_at).getTime()).toBeLessThanOrEqual(Date.parse(env.sandbox().getInvoice(invoiceId)!.created_at) + HOUR)

      await runMeumReconcile(getContainer(), { now: () => Date.now() + HOUR + 60_000 })

      expect(env.sandbox().getInvoice(invoiceId)?.status).toBe("cancelled")
      expect(await ledgerRow(invoiceId)).toEqual(expect.objectContaining({ state: "closed", next_check_at: null }))
      expect((await sessionState(getContainer(), session.id)).status).toBe("canceled")
      // The job stops looking at it.
      const asked = () => env.sandbox().requests().filter((r) => r.path.startsWith(`/v1/invoices/${invoiceId}`)).length
      const askedBefore = asked()
      const again = await runMeumReconcile(getContainer(), { now: () => Date.now() + 2 * HOUR })
      expect(asked()).toBe(askedBefore)
      expect(again.failed).toBe(0)
      // Starting again opens a new invoice for the cart, which can be paid into an order.
      const fresh = await flow().startSession(cartId, "pp_meum_meum")
      expect(fresh.data.invoice_id).not.toBe(invoiceId)
      expect(env.sandbox().getInvoice(fresh.data.invoice_id)?.status).toBe("awaiting_payment")
      expect(await ordersForCart(getContainer(), cartId)).toEqual([])
    })

    it("places the order of a session paid and captured without one (the process died after capture), on the next job run (defect 2)", async () => {
      const { cartId, session, invoiceId } = await cartWithSession()
      await payWithWebhooksLost(invoiceId)
      // What a crash between Medusa's capture and the cart completion leaves behind.
      const payment = getContainer().resolve(Modules.PAYMENT) as any
      await payment.authorizePaymentSession(session.id, {})
      const state = await sessionState(getContainer(), session.id)
      expect(state.status).toBe("authorized")
      expect(state.payment.captures).toHaveLength(1)
      expect(await ordersForCart(getContainer(), cartId)).toEqual([])

      const summary = await runMeumReconcile(getContainer())
      expect(summary.failed).toBe(0)
      expect(await ordersForCart(getContainer(), cartId)).toHaveLength(1)
      expect(await ledgerRow(invoiceId)).toEqual(expect.objectContaining({ state: "completed", order_id: expect.any(String) }))
      const payments = await payment.listPayments({ payment_collection_id: session.payment_collection_id }, { relations: ["captures"] })
      expect(payments.filter((p: any) => !p.canceled_at).flatMap((p: any) => p.captures)).toHaveLength(1)
    })

    it("stops retrying a completion that always fails after N attempts and raises it for the merchant (defect 4)", async () => {
      const { cartId, invoiceId } = await cartWithSession()
      const errors = jest.spyOn(getContainer().resolve(ContainerRegistrationKeys.LOGGER), "error")
      await payWithWebhooksLost(invoiceId)
      await dbConnection.raw('ALTER TABLE "order_summary" RENAME TO "order_summary_unavailable"')
      try {
        let now = Date.now()
        for (let run = 0; run < 8; run++) {
          now += 2 * HOUR
          await runMeumReconcile(getContainer(), { now: () => now })
        }
        const row = await ledgerRow(invoiceId)
        expect(row).toEqual(expect.objectContaining({ state: "needs_attention", attention_reason: "completion_failing", attempts: 5, next_check_at: null }))
        expect(errors.mock.calls.map(([m]) => String(m))).toContainEqual(expect.stringContaining(`Meum invoice ${invoiceId} is PAID but its order could not be placed after 5 attempts`))
        // Nothing more happens: no new invoices at Meum, no new payments, whatever comes.
        const invoicesOfCart = () => env.sandbox().listInvoices().filter((invoice) => invoice.metadata?.medusa_cart_id === cartId).length
        const invoicesBefore = invoicesOfCart()
        const payment = getContainer().resolve(Modules.PAYMENT) as any
        const collectionId = (await flow().getCart(cartId)).payment_collection.id
        const paymentsBefore = (await payment.listPayments({ payment_collection_id: collectionId })).length
        now += 24 * HOUR
        await runMeumReconcile(getContainer(), { now: () => now })
        expect((await postWebhook(invoiceId)).status).toBe(200)
        expect(invoicesOfCart()).toBe(invoicesBefore)
        expect((await payment.listPayments({ payment_collection_id: collectionId })).length).toBe(paymentsBefore)
        // The paid one, plus at most one per failed attempt (Medusa replaces the session each time).
        expect(invoicesBefore).toBeLessThanOrEqual(1 + 5)
      } finally {
        errors.mockRestore()
        await dbConnection.raw('ALTER TABLE "order_summary_unavailable" RENAME TO "order_summary"')
      }
      expect(await ordersForCart(getContainer(), cartId)).toEqual([])
    })

    it("accepts a shortfall once, even when the merchant double-clicks, and records who decided (defect 9)", async () => {
      const { cartId, session, invoiceId } = await cartWithSession()
      await payWithWebhooksLost(invoiceId, "underpaid")
      const headers = await adminAuthHeaders(api, getContainer())
      const click = () => api.post(`/admin/meum/payment-sessions/${session.id}/underpaid`, { decision: "accept" }, { headers, validateStatus: () => true })
      const answers = await Promise.all([click(), click()])
      expect(answers.map((a) => a.status).sort()).toEqual([200, 400])
      expect(await ordersForCart(getContainer(), cartId)).toHaveLength(1)
      const state = await sessionState(getContainer(), session.id)
      expect(state.payment.captures.map((c: any) => Number(c.amount))).toEqual([20.5])
      expect(await ledgerRow(invoiceId)).toEqual(
        expect.objectContaining({ decision: "accepted", decided_by: expect.stringMatching(/^user_/), decided_at: expect.any(Date), state: "completed" })
      )
    })

    it("reports a refused underpayment's shortfall from what the server recorded, whatever the session data says", async () => {
      const { session, invoiceId } = await cartWithSession()
      await payWithWebhooksLost(invoiceId, "underpaid")
      // Session data is shopper-writable: a changed "amount" there must not move the shortfall the merchant refunds against.
      await dbConnection.raw(`UPDATE payment_session SET data = jsonb_set(data, '{amount}', '"1000.00"') WHERE id = ?`, [session.id])
      const headers = await adminAuthHeaders(api, getContainer())
      const rejected = await api.post(`/admin/meum/payment-sessions/${session.id}/underpaid`, { decision: "reject", note: "refunding" }, { headers, validateStatus: () => true })
      expect(rejected.status).toBe(200)
      expect(rejected.data).toEqual(expect.objectContaining({ decision: "reject", paid_amount: "20.50", shortfall: "20.5" }))
      expect((await sessionState(getContainer(), session.id)).data).toEqual(expect.objectContaining({ meum_shortfall: "20.5" }))
    })

    it("an accepted shortfall whose order could not be placed is finished by the next click, capturing what was received once", async () => {
      const { cartId, session, invoiceId } = await cartWithSession()
      await payWithWebhooksLost(invoiceId, "underpaid")
      const headers = await adminAuthHeaders(api, getContainer())
      const accept = () => api.post(`/admin/meum/payment-sessions/${session.id}/underpaid`, { decision: "accept" }, { headers, validateStatus: () => true })
      await dbConnection.raw('ALTER TABLE "order_summary" RENAME TO "order_summary_unavailable"')
      try {
        expect((await accept()).status).toBeGreaterThanOrEqual(400)
      } finally {
        await dbConnection.raw('ALTER TABLE "order_summary_unavailable" RENAME TO "order_summary"')
      }
      expect(await ordersForCart(getContainer(), cartId)).toEqual([])

      expect((await accept()).status).toBe(200)
      expect(await ordersForCart(getContainer(), cartId)).toHaveLength(1)
      const state = await sessionState(getContainer(), session.id)
      expect(state.payment.captures.map((c: any) => Number(c.amount))).toEqual([20.5])
      expect(await ledgerRow(invoiceId)).toEqual(expect.objectContaining({ state: "completed", decision: "accepted" }))
    })

    it("keeps the collection's captured amount equal to what was paid after an adoption (defect 10)", async () => {
      const { cartId, session, invoiceId } = await cartWithSession()
      await dbConnection.raw('ALTER TABLE "order_summary" RENAME TO "order_summary_unavailable"')
      try {
        await payWithWebhooksLost(invoiceId)
        expect((await postWebhook(invoiceId)).status).toBe(503)
      } finally {
        await dbConnection.raw('ALTER TABLE "order_summary_unavailable" RENAME TO "order_summary"')
      }
      expect((await postWebhook(invoiceId)).status).toBe(200)
      const [orderId] = await ordersForCart(getContainer(), cartId)
      expect(orderId).toBeDefined()
      const payment = getContainer().resolve(Modules.PAYMENT) as any
      const [collection] = await payment.listPaymentCollections({ id: session.payment_collection_id })
      expect(Number(collection.captured_amount)).toBe(41)
    })
    it("lists what needs the merchant in admin — a pay-first underpayment too — with its actions and deliveries, and lets them mark it resolved (defect 6)", async () => {
      const under = await cartWithSession("under@example.com")
      await payWithWebhooksLost(under.invoiceId, "underpaid")
      expect((await postWebhook(under.invoiceId, "invoice.underpaid")).status).toBe(200)
      const mismatch = await cartWithSession("mismatch@example.com")
      await env.sandbox().simulate(mismatch.invoiceId, "paid", "30.00").catch(() => undefined)
      await postWebhook(mismatch.invoiceId)
      const headers = await adminAuthHeaders(api, getContainer())
      expect((await api.get("/admin/meum/invoices", { validateStatus: () => true })).status).toBe(401)

      const listed = (await api.get("/admin/meum/invoices", { headers })).data.invoices as Array<{ invoice: any; actions: string[]; deliveries: any[] }>
      const underItem = listed.find((item) => item.invoice.invoice_id === under.invoiceId)!
      expect(underItem.invoice).toEqual(expect.objectContaining({ state: "needs_attention", attention_reason: "underpaid", meum_status: "underpaid" }))
      expect(underItem.actions).toEqual(expect.arrayContaining(["recheck", "accept_shortfall", "reject_shortfall", "mark_resolved"]))
      expect(underItem.deliveries).toContainEqual(expect.objectContaining({ event_type: "invoice.underpaid", verdict: "ok", http_status: 200 }))
      const mismatchItem = listed.find((item) => item.invoice.invoice_id === mismatch.invoiceId)!
      expect(mismatchItem.invoice).toEqual(expect.objectContaining({ state: "needs_attention", attention_reason: "amount_mismatch" }))
      expect(mismatchItem.actions).not.toContain("accept_shortfall")
      expect(await ordersForCart(getContainer(), mismatch.cartId)).toEqual([])

      const resolved = await api.post(`/admin/meum/invoices/${encodeURIComponent(mismatch.invoiceId)}/resolve`, { note: "refunded by hand" }, { headers })
      expect(resolved.data.invoice).toEqual(expect.objectContaining({ state: "resolved", decision: "resolved", decision_note: "refunded by hand", decided_by: expect.stringMatching(/^user_/) }))
      const after = (await api.get("/admin/meum/invoices", { headers })).data.invoices as Array<{ invoice: any }>
      expect(after.map((item) => item.invoice.invoice_id)).not.toContain(mismatch.invoiceId)

      // A run of bad signatures shows in the deliveries.
      const body = JSON.stringify({ id: "evt_wrong_secret", type: "invoice.paid", data: { invoice_id: under.invoiceId } })
      const wrong = signWebhook({ secret: "whsec_rotated_at_meum", rawBody: body, timestamp: Math.floor(Date.now() / 1000), eventType: "invoice.paid", eventId: "evt_wrong_secret" })
      await api.post("/hooks/meum", body, { headers: wrong, transformRequest: [(d: string) => d], validateStatus: () => true })
      const { rejected } = (await api.get("/admin/meum/deliveries", { headers })).data
      expect(rejected.minutes).toContainEqual(expect.objectContaining({ reason: "bad_signature", provider_id: "pp_meum_meum", count: expect.any(Number) }))
      expect(rejected.samples[0]).toEqual(expect.objectContaining({ reason: "bad_signature", http_status: 401 }))
    })
  },
})
