/**
 * The plugin's ledger on real Medusa + PostgreSQL + the sandbox, over HTTP: the defects of the
 * ledger issue that need durable, server-owned state (numbers refer to the issue); then, on the
 * same boot, the ledger's on-chain facts, refused manual refunds and late money (issue 21).
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
import { paidOrder, refundsOf } from "../helpers/meum-paid-order"
import { windowStartOf } from "../../src/modules/meum-ledger/counter-window"
import { rejectDelivery } from "../../src/api/hooks/meum/rejected-delivery"

jest.setTimeout(300 * 1000)

// The default: no MEUM_REFUNDS, so refunds: "refuse" (a suite before this one in the same worker may have set it).
delete process.env.MEUM_REFUNDS

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
      expect(rows.map((row: { key: string; count: number }) => [row.key, row.count])).toEqual([["test:a", 1], ["test:a", 20]])
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

    // On-chain facts in the admin (issue 21): a paid invoice's transactions are not read in the
    // webhook's path; the reconcile job reads them once when the invoice has settled and stores them
    // in the ledger (shown by the order's admin route and the ledger list); a later run reads nothing
    // more; "Refresh from Meum" reads them again; a failed read is retried by the next run. Also the
    // refused side of refunds on record (refunds: "refuse", the default this suite boots with; "manual"
    // is meum-manual-refund.spec.ts) and late money. Same boot options as the tests above.
    describe("transactions, refused refunds and late money", () => {
      const transactionReads = (invoiceId: string) =>
        env.sandbox().requests().filter((r) => r.method === "GET" && r.path === `/v1/invoices/${invoiceId}/transactions`).length

      /** Pays through Meum's webhook and waits for /hooks/meum to have answered it. */
      async function payByWebhook(outcome: "paid" | "underpaid") {
        const { cartId, invoiceId, session } = await cartWithOpenInvoice(flow(), env.sandbox(), seed.variantId)
        await env.sandbox().simulate(invoiceId, outcome)
        await env.sandbox().waitForDeliveries((all) => all.some((d) => d.invoice_id === invoiceId && d.event_type === `invoice.${outcome}` && d.status_code === 200), { timeoutMs: 60_000 })
        return { cartId, invoiceId, session }
      }

      it("an invoice refunded at Meum after its order: the merchant sees it with the refund transaction, read on the next job run", async () => {
        const { cartId, invoiceId } = await payByWebhook("paid")
        const [orderId] = await ordersForCart(getContainer(), cartId)
        await runMeumReconcile(getContainer())
        expect(transactionReads(invoiceId)).toBe(1)

        await env.sandbox().simulate(invoiceId, "refunded")
        await env.sandbox().waitForDeliveries((all) => all.some((d) => d.invoice_id === invoiceId && d.event_type === "invoice.refunded" && d.status_code === 200), { timeoutMs: 60_000 })
        expect(await ledgerRow(invoiceId)).toEqual(expect.objectContaining({ state: "needs_attention", attention_reason: "refunded_after_capture", transactions_read_at: null }))

        await runMeumReconcile(getContainer())
        const headers = await adminAuthHeaders(api, getContainer())
        const view = (await api.get(`/admin/meum/orders/${orderId}`, { headers })).data.meum_sessions[0].ledger
        expect(view.attention_reason).toBe("refunded_after_capture")
        expect(view.transactions.map((txn: { type: string }) => txn.type)).toEqual(expect.arrayContaining(["payment_origin", "refund"]))
        expect(view.transactions.find((txn: { type: string }) => txn.type === "refund")).toEqual(expect.objectContaining({ transaction_hash: expect.any(String), network: expect.any(String) }))
      })

      it("stores a paid invoice's payment and settlement once, on the job run after the webhook; the refresh reads them again", async () => {
        const { cartId, invoiceId } = await payByWebhook("paid")
        const [orderId] = await ordersForCart(getContainer(), cartId)
        expect(orderId).toBeDefined()
        const headers = await adminAuthHeaders(api, getContainer())
        const orderView = async () => (await api.get(`/admin/meum/orders/${orderId}`, { headers })).data.meum_sessions[0].ledger

        // The webhook placed the order without reading the transactions.
        expect(transactionReads(invoiceId)).toBe(0)
        expect(await orderView()).toEqual(expect.objectContaining({ state: "completed", transactions: null, transactions_read_at: null }))

        const summary = await runMeumReconcile(getContainer())
        expect(summary.transactionsStored).toBeGreaterThanOrEqual(1)
        expect(transactionReads(invoiceId)).toBe(1)
        const atMeum = env.sandbox().getInvoice(invoiceId)!
        const stored = await orderView()
        expect(stored.transactions).toEqual([
          expect.objectContaining({ type: "payment_origin", network: "ethereum", token: "USDC", amount: atMeum.paid_amount, transaction_hash: atMeum.transaction_hash, confirmations: 12, verified: true }),
          expect.objectContaining({ type: "settlement", network: "near", token: atMeum.output_asset, amount: atMeum.paid_amount, transaction_hash: expect.any(String), verified: true }),
        ])
        const firstReadAt = Date.parse(stored.transactions_read_at)
        expect(firstReadAt).toBeGreaterThan(0)
        // The Meum page's rows carry them too.
        const { invoices } = (await api.get(`/admin/meum/ledger?state=all&q=${invoiceId}`, { headers })).data
        expect(invoices[0].transactions).toEqual(stored.transactions)

        // Read once: the next run leaves it alone.
        await runMeumReconcile(getContainer())
        expect(transactionReads(invoiceId)).toBe(1)

        // "Refresh from Meum" reads again and stores what Meum says now.
        const refreshed = await api.post(`/admin/meum/invoices/${invoiceId}/transactions/refresh`, {}, { headers })
        expect(refreshed.status).toBe(200)
        expect(refreshed.data.transactions.map((txn: { type: string }) => txn.type)).toEqual(["payment_origin", "settlement"])
        expect(transactionReads(invoiceId)).toBe(2)
        const row = await ledgerRow(invoiceId)
        expect(new Date(row.transactions_read_at).getTime()).toBeGreaterThanOrEqual(firstReadAt)
        expect(new Date(row.transactions_read_at).toISOString()).toBe(refreshed.data.transactions_read_at)

        const unknown = await api.post(`/admin/meum/invoices/inv_00000000000000000000000000000000/transactions/refresh`, {}, { headers, validateStatus: () => true })
        expect(unknown.status).toBe(404)
      })

      it("reads an underpaid invoice waiting for the merchant too, and retries a failed read on the next run", async () => {
        const { invoiceId } = await payByWebhook("underpaid")
        expect(await ledgerRow(invoiceId)).toEqual(expect.objectContaining({ state: "needs_attention", attention_reason: "underpaid", transactions: null }))

        env.sandbox().setFaults({ api_error_rate: 1 })
        try {
          const failing = await runMeumReconcile(getContainer())
          expect(failing.transactionsFailed).toBeGreaterThanOrEqual(1)
        } finally {
          env.sandbox().resetFaults()
        }
        expect(await ledgerRow(invoiceId)).toEqual(expect.objectContaining({ transactions: null, transactions_read_at: null }))

        await runMeumReconcile(getContainer())
        const row = await ledgerRow(invoiceId)
        expect(row.transactions.map((txn: { type: string; amount: string }) => [txn.type, txn.amount])).toEqual([
          ["payment_origin", env.sandbox().getInvoice(invoiceId)!.paid_amount],
          ["settlement", env.sandbox().getInvoice(invoiceId)!.paid_amount],
        ])
        expect(row.transactions_read_at).not.toBeNull()
      })

      it("answers 400 naming the refunds option for a registration that refuses refunds, and records nothing", async () => {
        const headers = await adminAuthHeaders(api, getContainer())
        const { orderId, paymentId } = await paidOrder(api, getContainer(), seed, env)

        const answer = await api.post(
          `/admin/meum/payments/${paymentId}/manual-refund`,
          { amount: 1, network: "ethereum", transaction_hash: "0x" + "ab".repeat(32) },
          { headers, validateStatus: () => true }
        )
        expect(answer.status).toBe(400)
        expect(answer.data.message).toContain('does not record manual refunds (provider option refunds is "refuse")')
        expect(await refundsOf(getContainer(), paymentId)).toEqual([])

        // The widget is told, so it offers no action.
        const widget = (await api.get(`/admin/meum/orders/${orderId}`, { headers })).data
        expect(widget.meum_payments).toEqual([expect.objectContaining({ payment_id: paymentId, refunds_mode: "refuse", refunded: 0 })])
      })

      // Late money (issue 21): an invoice paid after it expired or after the plugin cancelled it — the
      // shopper's wallet sent before the deadline, the confirmations came after. It is placed into an
      // order when its cart is still open and it pays what the cart costs now; otherwise the merchant
      // gets it with the reason "paid after closing". Same boot options as the tests above, so the same boot.
      describe("late money", () => {
        /** Waits until the store answered Meum's webhook of that type for the invoice. */
        const answered = (invoiceId: string, eventType: string) =>
          env.sandbox().waitForDeliveries((all) => all.some((d) => d.invoice_id === invoiceId && d.event_type === eventType && d.status_code === 200), { timeoutMs: 60_000 })

        /** A cart whose first invoice expired at Meum (its webhook answered). */
        async function cartWithExpiredInvoice() {
          const opened = await cartWithOpenInvoice(flow(), env.sandbox(), seed.variantId)
          await env.sandbox().simulate(opened.invoiceId, "expired")
          await answered(opened.invoiceId, "invoice.expired")
          expect(await ledgerRow(opened.invoiceId)).toEqual(expect.objectContaining({ state: "closed" }))
          return opened
        }

        it("an invoice the plugin cancelled (its lifetime ended) and paid afterwards places the order of its unchanged, open cart", async () => {
          const { cartId, session, invoiceId } = await cartWithOpenInvoice(flow(), env.sandbox(), seed.variantId)
          await runMeumReconcile(getContainer(), { now: () => Date.now() + HOUR + 60_000 })
          expect(env.sandbox().getInvoice(invoiceId)?.status).toBe("cancelled")
          expect((await sessionState(getContainer(), session.id)).status).toBe("canceled")

          await env.sandbox().simulate(invoiceId, "paid_late")
          await answered(invoiceId, "invoice.paid")

          expect(await ordersForCart(getContainer(), cartId)).toHaveLength(1)
          expect(await ledgerRow(invoiceId)).toEqual(expect.objectContaining({ state: "completed", order_id: expect.any(String) }))
        })

        it("an expired invoice paid after the shopper started again is adopted by the new session (same cart, same amount); the new invoice is cancelled", async () => {
          const { cartId, invoiceId } = await cartWithExpiredInvoice()
          const fresh = await flow().startSession(cartId, "pp_meum_meum")
          expect(fresh.data.invoice_id).not.toBe(invoiceId)

          await env.sandbox().simulate(invoiceId, "paid_late")
          await answered(invoiceId, "invoice.paid")

          expect(await ordersForCart(getContainer(), cartId)).toHaveLength(1)
          expect(await ledgerRow(invoiceId)).toEqual(expect.objectContaining({ state: "completed" }))
          expect(env.sandbox().getInvoice(fresh.data.invoice_id)?.status).toBe("cancelled")
        })

        it("an expired invoice paid after its cart changed goes to the merchant as 'paid after closing'; the cart's new invoice stays payable", async () => {
          const { cartId, invoiceId } = await cartWithExpiredInvoice()
          await flow().updateItemQuantity(cartId, 3)
          const fresh = await flow().startSession(cartId, "pp_meum_meum")

          await env.sandbox().simulate(invoiceId, "paid_late")
          await answered(invoiceId, "invoice.paid")

          expect(await ordersForCart(getContainer(), cartId)).toEqual([])
          expect(await ledgerRow(invoiceId)).toEqual(expect.objectContaining({ state: "needs_attention", attention_reason: "paid_after_closing", cart_id: cartId }))
          expect(env.sandbox().getInvoice(fresh.data.invoice_id)?.status).toBe("awaiting_payment")
          // The merchant sees it with what they need to refund or fulfil by hand.
          const headers = await adminAuthHeaders(api, getContainer())
          const list = (await api.get("/admin/meum/invoices", { headers })).data
          const item = list.invoices.find((entry: any) => entry.invoice.invoice_id === invoiceId)
          expect(item?.invoice).toEqual(expect.objectContaining({ attention_reason: "paid_after_closing", cart_id: cartId, amount: expect.any(String) }))
          expect(item?.actions).toContain("mark_resolved")
          // Nothing changes on a later look.
          await runMeumReconcile(getContainer(), { now: () => Date.now() + 2 * HOUR })
          expect(await ordersForCart(getContainer(), cartId)).toEqual([])
        })

        it("an expired invoice paid after its cart's order was placed with another invoice goes to the merchant as 'paid after closing', and the order stays one", async () => {
          const { cartId, invoiceId } = await cartWithExpiredInvoice()
          const fresh = await flow().startSession(cartId, "pp_meum_meum")
          await env.sandbox().simulate(fresh.data.invoice_id, "paid")
          await answered(fresh.data.invoice_id, "invoice.paid")
          const [orderId] = await ordersForCart(getContainer(), cartId)
          expect(orderId).toBeDefined()

          await env.sandbox().simulate(invoiceId, "paid_late")
          await answered(invoiceId, "invoice.paid")

          expect(await ordersForCart(getContainer(), cartId)).toEqual([orderId])
          expect(await ledgerRow(invoiceId)).toEqual(expect.objectContaining({ state: "needs_attention", attention_reason: "paid_after_closing" }))
        })

        it("late money whose webhooks are all lost is found by the reconcile job (Meum's paid list) and placed", async () => {
          const { cartId, invoiceId } = await cartWithExpiredInvoice()
          env.sandbox().setFaults({ webhook_drop_rate: 1 })
          try {
            await env.sandbox().simulate(invoiceId, "paid_late")
          } finally {
            env.sandbox().resetFaults()
          }
          expect(await ordersForCart(getContainer(), cartId)).toEqual([])

          const summary = await runMeumReconcile(getContainer())

          expect(summary.failed).toBe(0)
          expect(await ordersForCart(getContainer(), cartId)).toHaveLength(1)
          expect(await ledgerRow(invoiceId)).toEqual(expect.objectContaining({ state: "completed" }))
        })
      })
    })
  },
})
