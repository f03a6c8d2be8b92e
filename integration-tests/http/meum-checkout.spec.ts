/**
 * pp_meum_meum on real Medusa + embedded PostgreSQL + the Meum sandbox, over HTTP.
 * One Medusa boot (~18 s) for every test, run once per documented reading of Meum the sandbox can
 * take (its settings are switched at run time, and it is reset before each reading, as a fresh
 * sandbox). The store is seeded once, before the runner snapshots the database: every test starts
 * from that seeded snapshot.
 */
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import Medusa from "@medusajs/js-sdk"
import { signWebhook } from "../../src/lib/meum/webhook-signature"
import { completeMeumCheckout, startMeumCheckout } from "../../src/storefront"
import { seedStore, type SeededStore } from "../helpers/seed-store"
import { warnAboutNonUsdMeumRegions } from "../../src/jobs/meum-region-currency-check"
import { storeFlow } from "../helpers/store-flow"
import { capturesForCollection, ordersForCart, sessionState } from "../helpers/medusa-state"
import { TEST_API_KEY, TEST_WEBHOOK_SECRET, useMeumSandbox, webhooksProcessed, invoiceEvent } from "../helpers/meum-sandbox-env"
import type { DedupeMode, IdStyle } from "../../src/sandbox/settings"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { orderReferenceOf } from "../../src/lib/meum/invoice"

jest.setTimeout(180 * 1000)

const env = useMeumSandbox()

/**
 * The readings of Meum's docs the suite runs against: the strictest (UUID ids, create dedupe
 * returning an invoice in any status) and each other documented one.
 */
const READINGS: Array<{ reading: string; idStyle: IdStyle; dedupe: DedupeMode }> = [
  { reading: "strictest reading (UUID ids, dedupe in any status)", idStyle: "uuid", dedupe: "any" },
  { reading: "409 on a create that repeats an external_order_id", idStyle: "uuid", dedupe: "conflict" },
  { reading: "create dedupe of open invoices only", idStyle: "uuid", dedupe: "open" },
  { reading: "no create dedupe", idStyle: "uuid", dedupe: "off" },
  { reading: "ids of the API reference (inv_…)", idStyle: "inv", dedupe: "any" },
]

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer, utils }) => {
    let seed: SeededStore
    const flow = () => storeFlow(api, seed.publishableKey, seed.regionId)

    beforeAll(async () => {
      env.connect(String(api.defaults.baseURL))
      seed = await seedStore(getContainer())
    })

    async function cartWithSession(quantity = 2, data?: Record<string, unknown>) {
      const cart = await flow().createCart()
      await flow().addItem(cart.id, seed.variantId, quantity)
      const session = await flow().startSession(cart.id, "pp_meum_meum", data)
      return { cartId: cart.id, session }
    }

    const EVENT_FOR = { paid: "invoice.paid", underpaid: "invoice.underpaid", failed: "invoice.failed", expired: "invoice.expired" }
    const payViaSandbox = (invoiceId: string, outcome: keyof typeof EVENT_FOR = "paid", deliveries = 1) =>
      webhooksProcessed(
        getContainer(),
        utils.waitWorkflowExecutions,
        invoiceEvent(EVENT_FOR[outcome], invoiceId),
        () => env.sandbox().simulate(invoiceId, outcome),
        deliveries
      )

    describe.each(READINGS)("sandbox: $reading", ({ idStyle, dedupe }) => {
      beforeAll(() => {
        env.sandbox().reset()
        env.sandbox().settings.idStyle = idStyle
        env.sandbox().settings.dedupe = dedupe
      })

      it("creates one sandbox invoice for the server-resolved cart, ignoring a shopper-supplied cart id", async () => {
        const { cartId, session } = await cartWithSession(2, { cart_id: "cart_fake", meum_cart_ref: "cart~cart_fake~x.forged" })

        expect(session.provider_id).toBe("pp_meum_meum")
        expect(session.status).toBe("pending")
        expect(session.data.checkout_url).toBe(`${env.sandbox().url}/pay/${session.data.invoice_id}`)
        const invoice = env.sandbox().getInvoice(session.data.invoice_id)!
        expect(invoice.external_order_id).toBe(cartId)
        expect(invoice.metadata).toEqual(expect.objectContaining({ medusa_session_id: session.id, medusa_cart_id: cartId }))
        expect(invoice.amount).toBe("41.00")
        expect(invoice.currency).toBe("USD")
        expect(invoice.return_url).toBe(`http://localhost:8000/checkout/return?cart_id=${cartId}`)
        // The store API shows session data to browsers: no key, no secret in it.
        const publicData = JSON.stringify(session.data)
        expect(publicData).not.toContain(TEST_API_KEY)
        expect(publicData).not.toContain(TEST_WEBHOOK_SECRET)
        expect(session.data.cart_id).toBe(cartId)
      })

      it("places the order from the paid webhook alone, with a captured payment", async () => {
        const { cartId, session } = await cartWithSession()
        expect(await ordersForCart(getContainer(), cartId)).toEqual([])

        await payViaSandbox(session.data.invoice_id)

        expect(await ordersForCart(getContainer(), cartId)).toHaveLength(1)
        const state = await sessionState(getContainer(), session.id)
        expect(state.status).toBe("authorized")
        const captured = await capturesForCollection(getContainer(), session.payment_collection_id)
        expect(captured).toEqual({ payments: 1, captures: 1, capturedAt: [expect.any(Date)] })
      })

      it("reads a paid invoice from Meum at most twice per webhook delivery until the order (sandbox request log)", async () => {
        const { cartId, session } = await cartWithSession()
        const invoiceId = session.data.invoice_id
        const since = Date.now()

        await payViaSandbox(invoiceId)

        expect(await ordersForCart(getContainer(), cartId)).toHaveLength(1)
        const reads = env.sandbox().requests().filter((request) => request.at >= since && request.method === "GET" && request.path.startsWith(`/v1/invoices/${invoiceId}`))
        // Meum delivers at least once (the sandbox may repeat a delivery): each delivery reads the
        // invoice to check the event; Medusa's authorize and capture reuse that read.
        const deliveries = env.sandbox().deliveries().filter((delivery) => delivery.invoice_id === invoiceId && delivery.event_type === "invoice.paid").length
        expect(deliveries).toBeGreaterThanOrEqual(1)
        expect(reads.length).toBeGreaterThanOrEqual(1)
        expect(reads.length).toBeLessThanOrEqual(2 * deliveries)
      })

      it("answers the returning shopper with the same single order", async () => {
        const { cartId, session } = await cartWithSession()
        await payViaSandbox(session.data.invoice_id)
        const [orderId] = await ordersForCart(getContainer(), cartId)

        const completed = await flow().complete(cartId)
        expect(completed.status).toBe(200)
        expect(completed.data.type).toBe("order")
        expect(completed.data.order.id).toBe(orderId)
        expect(await ordersForCart(getContainer(), cartId)).toEqual([orderId])
      })

      it("refuses to complete an unpaid cart with HTTP 400 and creates no order", async () => {
        const { cartId } = await cartWithSession()
        const completed = await flow().complete(cartId)
        expect(completed.status).toBe(400)
        expect(await ordersForCart(getContainer(), cartId)).toEqual([])
      })

      it("cancels the old invoice when the cart changes, and paying it creates no order", async () => {
        const { cartId, session: first } = await cartWithSession(1)
        await flow().updateItemQuantity(cartId, 3)
        expect(env.sandbox().getInvoice(first.data.invoice_id)!.status).toBe("cancelled")

        const second = await flow().startSession(cartId, "pp_meum_meum")
        expect(second.data.invoice_id).not.toBe(first.data.invoice_id)
        const payable = env.sandbox().getInvoice(second.data.invoice_id)!
        expect(payable).toEqual(expect.objectContaining({ status: "awaiting_payment", amount: "61.50" }))
        // The cart's first invoice used the cart id; Meum may hand that (cancelled) one back for it,
        // so a later invoice uses the documented derived form when the sandbox dedupes in any status.
        expect(payable.external_order_id).toBe(dedupe === "off" || dedupe === "open" ? cartId : `${cartId}:${second.id}`)
        expect(orderReferenceOf(payable.external_order_id!)).toBe(cartId)
        expect(second.data.external_order_id).toBe(payable.external_order_id)
        await expect(env.sandbox().simulate(first.data.invoice_id, "paid")).rejects.toThrow()
        expect(await ordersForCart(getContainer(), cartId)).toEqual([])
      })

      it.each([
        ["underpaid", "requires_more"],
        ["expired", "canceled"],
        ["failed", "error"],
      ] as const)("an %s invoice gives no order and a %s session", async (outcome, sessionStatus) => {
        const { cartId, session } = await cartWithSession()
        await payViaSandbox(session.data.invoice_id, outcome)
        const completed = await flow().complete(cartId)
        expect(completed.status).toBe(400)
        expect(await ordersForCart(getContainer(), cartId)).toEqual([])
        expect((await sessionState(getContainer(), session.id)).status).toBe(sessionStatus)
      })

      it("never lets the shopper approve their own underpayment through session data (ledger issue, defect 1)", async () => {
        // Everything a shopper could try to slip into the session: the decision, a forged seal,
        // a cart reference and a cart id.
        const { cartId, session } = await cartWithSession(2, {
          meum_underpaid_decision: "accepted",
          meum_underpaid_seal: "forged-seal",
          meum_flag: "none",
          cart_id: "cart_someone_else",
          return_url: "http://localhost:8000/return",
        })
        // The store API shows nothing the shopper sent but the return URL, and no cart reference.
        expect(session.data).not.toHaveProperty("meum_underpaid_decision")
        expect(session.data).not.toHaveProperty("meum_underpaid_seal")
        expect(session.data).not.toHaveProperty("meum_flag")
        expect(session.data).not.toHaveProperty("meum_cart_ref")
        expect(session.data.cart_id).toBe(cartId)
        expect(session.data.return_url).toBe("http://localhost:8000/return")

        // Pay 1 % at Meum, then complete the cart.
        await env.sandbox().simulate(session.data.invoice_id, "underpaid", "0.41")
        const completed = await flow().complete(cartId)
        expect(completed.status).toBe(400)
        expect(await ordersForCart(getContainer(), cartId)).toEqual([])
        const state = await sessionState(getContainer(), session.id)
        expect(state.status).not.toBe("authorized")
        expect(await capturesForCollection(getContainer(), session.payment_collection_id)).toEqual({ payments: 0, captures: 0, capturedAt: [] })
      })

      it("refuses Meum in a non-USD region with a 400 the shopper can act on, before any invoice exists", async () => {
        const eur = await seedStore(getContainer(), { currencyCode: "eur" })
        const eurFlow = storeFlow(api, eur.publishableKey, eur.regionId)
        const cart = await eurFlow.createCart()
        await eurFlow.addItem(cart.id, eur.variantId, 1)
        const headers = { "x-publishable-api-key": eur.publishableKey }
        const collection = (await api.post("/store/payment-collections", { cart_id: cart.id }, { headers })).data.payment_collection
        const invoicesBefore = env.sandbox().listInvoices().length
        const refused = await api.post(
          `/store/payment-collections/${collection.id}/payment-sessions`,
          { provider_id: "pp_meum_meum" },
          { headers, validateStatus: () => true }
        )
        expect(refused.status).toBe(400)
        expect(refused.data.message).toContain("USD prices only")
        expect(env.sandbox().listInvoices()).toHaveLength(invoicesBefore)
        // The shopper can still pay another way.
        const other = await eurFlow.startSession(cart.id, "pp_system_default")
        expect(other.provider_id).toBe("pp_system_default")

        // And the merchant is told, once after boot, which region is misconfigured.
        const warnings = jest.spyOn(getContainer().resolve(ContainerRegistrationKeys.LOGGER), "warn")
        const flagged = await warnAboutNonUsdMeumRegions(getContainer())
        expect(flagged).toEqual([expect.objectContaining({ id: eur.regionId, currency_code: "eur", providers: ["pp_meum_meum"] })])
        expect(warnings.mock.calls.map(([message]) => String(message))).toContainEqual(
          expect.stringContaining(`Meum is enabled in region "Region EUR" (${eur.regionId}) whose currency is EUR`)
        )
      })

      it("ignores forged, wrongly signed and replayed webhooks", async () => {
        const { cartId, session } = await cartWithSession()
        // Make the invoice really paid at Meum without telling Medusa, so only the bad webhooks could act.
        env.sandbox().setFaults({ webhook_drop_rate: 1 })
        await env.sandbox().simulate(session.data.invoice_id, "paid")
        await env.sandbox().waitForDeliveries(
          (deliveries) => deliveries.some((d) => d.invoice_id === session.data.invoice_id && d.event_type === "invoice.paid" && d.dropped),
          { timeoutMs: 10_000 }
        )
        env.sandbox().resetFaults()

        const body = JSON.stringify({
          id: "evt_0123456789abcdef0123456789abcdef",
          type: "invoice.paid",
          createdAt: new Date().toISOString(),
          data: { invoice_id: session.data.invoice_id, status: "paid", amount: "41.00", currency: "USD" },
        })
        const now = Math.floor(Date.now() / 1000)
        const attempts: Array<Record<string, string>> = [
          { ...signWebhook({ secret: TEST_WEBHOOK_SECRET, rawBody: body, timestamp: now, eventType: "invoice.paid", eventId: "evt_0123456789abcdef0123456789abcdef" }), "X-Stablecoin-Signature": "v1=" + "0".repeat(64) },
          signWebhook({ secret: "whsec_wrong", rawBody: body, timestamp: now, eventType: "invoice.paid", eventId: "evt_0123456789abcdef0123456789abcdef" }),
          signWebhook({ secret: TEST_WEBHOOK_SECRET, rawBody: body, timestamp: now - 301, eventType: "invoice.paid", eventId: "evt_0123456789abcdef0123456789abcdef" }),
        ]
        for (const headers of attempts) {
          await webhooksProcessed(
            getContainer(),
            utils.waitWorkflowExecutions,
            (received) => received.id === "evt_0123456789abcdef0123456789abcdef",
            () => api.post("/hooks/payment/meum_meum", body, { headers, transformRequest: [(data: string) => data] })
          )
        }
        expect(await ordersForCart(getContainer(), cartId)).toEqual([])
        expect((await sessionState(getContainer(), session.id)).status).toBe("pending")
        expect(await capturesForCollection(getContainer(), session.payment_collection_id)).toEqual({ payments: 0, captures: 0, capturedAt: [] })
      })

      it("gives one order and one capture when the paid webhook is delivered three times", async () => {
        const { cartId, session } = await cartWithSession()
        env.sandbox().setFaults({ webhook_duplicates: 3 })
        try {
          await payViaSandbox(session.data.invoice_id, "paid", 3)
        } finally {
          env.sandbox().resetFaults()
        }
        expect(await ordersForCart(getContainer(), cartId)).toHaveLength(1)
        expect(await capturesForCollection(getContainer(), session.payment_collection_id)).toEqual({
          payments: 1,
          captures: 1,
          capturedAt: [expect.any(Date)],
        })
      })

      it("works end to end with the storefront helper, the js-sdk and the hosted checkout page", async () => {
        const sdk = new Medusa({ baseUrl: String(api.defaults.baseURL), publishableKey: seed.publishableKey })
        const { cart } = await sdk.store.cart.create({ region_id: seed.regionId, email: "shopper@example.com" })
        await sdk.store.cart.createLineItem(cart.id, { variant_id: seed.variantId, quantity: 1 })
        const { cart: withItem } = await sdk.store.cart.retrieve(cart.id)
        const started = await startMeumCheckout(sdk as any, withItem as any, { returnUrl: "http://localhost:8000/return" })

        const notYet = await completeMeumCheckout(sdk as any, cart.id, { maxWaitMs: 0 })
        expect(notYet).toEqual({ kind: "pending" })

        // The shopper pays on the hosted page and is redirected back.
        const paid = await fetch(started.checkoutUrl, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ action: "pay_full" }).toString(),
          redirect: "manual",
        })
        expect(paid.status).toBe(303)
        expect(paid.headers.get("location")).toBe("http://localhost:8000/return")

        const outcome = await completeMeumCheckout(sdk as any, cart.id, { maxWaitMs: 10_000, pollIntervalMs: 200 })
        expect(outcome.kind).toBe("order")
        expect(await ordersForCart(getContainer(), cart.id)).toEqual([(outcome as { order: { id: string } }).order.id])
      })

      it("never logs the API key or the webhook secret", () => {
        const output = env.capturedOutput()
        expect(output.length).toBeGreaterThan(0)
        expect(output).not.toContain(TEST_API_KEY)
        expect(output).not.toContain(TEST_WEBHOOK_SECRET)
      })
    })
  },
})
