/**
 * Issue 18, points 2 and 3, on real Medusa + PostgreSQL + the Meum sandbox with Meum's documented
 * rate limit on (30 creates / 60 s, shared by the whole suite): no second invoice for a cart
 * that is paid or under review; an unchanged amount reuses the payable invoice; one looping cart
 * cannot spend the store's create budget. Also issue 18, point 9: a superseded invoice whose
 * cancel Meum refuses. One suite (each boot costs ~15 s).
 */
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { seedStore, type SeededStore } from "../helpers/seed-store"
import { storeFlow } from "../helpers/store-flow"
import { ordersForCart, sessionState } from "../helpers/medusa-state"
import { useMeumSandbox, webhooksProcessed, invoiceEvent } from "../helpers/meum-sandbox-env"
import { SHOPPER_MESSAGES } from "../../src/lib/medusa-errors"
import { payWithWebhooksLost } from "../helpers/meum-hooks-flow"
import { runMeumReconcile } from "../../src/jobs/reconcile-meum-payments"

jest.setTimeout(180 * 1000)

const env = useMeumSandbox({ rateLimit: { max: 30, windowMs: 60_000 } })

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer, utils }) => {
    let seed: SeededStore
    const flow = () => storeFlow(api, seed.publishableKey, seed.regionId)
    const headers = () => ({ "x-publishable-api-key": seed.publishableKey })

    beforeEach(async () => {
      env.connect(String(api.defaults.baseURL))
      seed = await seedStore(getContainer())
    })

    async function cartWithSession(quantity = 2, email?: string) {
      const cart = await flow().createCart(email)
      await flow().addItem(cart.id, seed.variantId, quantity)
      const session = await flow().startSession(cart.id, "pp_meum_meum")
      return { cartId: cart.id, session }
    }

    const postSession = (collectionId: string, data?: Record<string, unknown>) =>
      api.post(
        `/store/payment-collections/${collectionId}/payment-sessions`,
        { provider_id: "pp_meum_meum", ...(data ? { data } : {}) },
        { headers: headers(), validateStatus: () => true }
      )

    /** What Meum was asked since `since`: creates and cancels. */
    const meumCalls = (since: number) => {
      const requests = env.sandbox().requests().filter((r) => r.at >= since && r.method === "POST")
      return {
        creates: requests.filter((r) => r.path === "/v1/invoices").length,
        cancels: requests.filter((r) => r.path.endsWith("/cancel")).length,
      }
    }

    const settle = (invoiceId: string, outcome: "paid" | "underpaid") =>
      webhooksProcessed(getContainer(), utils.waitWorkflowExecutions, invoiceEvent(`invoice.${outcome}`, invoiceId), () =>
        env.sandbox().simulate(invoiceId, outcome, outcome === "underpaid" ? "0.41" : undefined)
      )

    // Issue 18, point 9: Meum refuses to cancel a superseded, still payable invoice of a changed cart.
    // The plugin must not open a second payable invoice, must tell the shopper what is true (not "the
    // service is not answering"), and the job must keep trying the cancel so the cart becomes payable.
    // Same boot options as the tests below; first, so the job's abandoned-invoice count sees only its own.
    describe("Meum refuses to cancel a superseded invoice", () => {
      afterEach(() => env.sandbox().resetFaults())

      /** The sandbox keeps every test's invoices: look at one cart's. */
      const invoicesOfCart = (cartId: string) => env.sandbox().listInvoices().filter((invoice) => invoice.metadata?.medusa_cart_id === cartId)

      const postSession = async (cartId: string) => {
        const cart = await flow().getCart(cartId)
        return api.post(`/store/payment-collections/${cart.payment_collection.id}/payment-sessions`, { provider_id: "pp_meum_meum" }, { headers: headers(), validateStatus: () => true })
      }

      it("tells the shopper the previous payment is still open while Meum refuses its cancel, and the job's retry makes the cart payable", async () => {
        const cart = await flow().createCart()
        await flow().addItem(cart.id, seed.variantId, 1)
        const first = await flow().startSession(cart.id, "pp_meum_meum")
        const oldInvoiceId = first.data.invoice_id as string
        env.sandbox().setFaults({ cancel_refused_invoice_ids: [oldInvoiceId] })

        await flow().updateItemQuantity(cart.id, 2)
        expect(env.sandbox().getInvoice(oldInvoiceId)!.status).toBe("awaiting_payment")

        for (let attempt = 0; attempt < 2; attempt++) {
          const refused = await postSession(cart.id)
          expect(refused.status).toBe(400)
          expect(refused.data.message).toBe(SHOPPER_MESSAGES.previousInvoiceOpen)
        }
        // Never a second payable invoice while the old one is open.
        expect(invoicesOfCart(cart.id).filter((invoice) => invoice.status === "awaiting_payment").map((invoice) => invoice.id)).toEqual([oldInvoiceId])

        env.sandbox().setFaults({ cancel_refused_invoice_ids: [] })
        // The shopper gave up for now; the job finds the invoice its session no longer holds.
        const run = await runMeumReconcile(getContainer(), { abandoned: { minAgeMs: 0 } })
        expect(run.abandonedCancelled).toBe(1)
        expect(env.sandbox().getInvoice(oldInvoiceId)!.status).toBe("cancelled")

        const payable = await flow().startSession(cart.id, "pp_meum_meum")
        expect(payable.data.invoice_id).not.toBe(oldInvoiceId)
        expect(env.sandbox().getInvoice(payable.data.invoice_id)).toEqual(expect.objectContaining({ status: "awaiting_payment", amount: "41.00" }))
      })

      it("holds an old invoice paid while its cancel was refused for the merchant, and opens no second invoice for the cart", async () => {
        const cart = await flow().createCart()
        await flow().addItem(cart.id, seed.variantId, 1)
        const first = await flow().startSession(cart.id, "pp_meum_meum")
        const oldInvoiceId = first.data.invoice_id as string
        env.sandbox().setFaults({ cancel_refused_invoice_ids: [oldInvoiceId] })
        await flow().updateItemQuantity(cart.id, 2)
        expect((await postSession(cart.id)).data.message).toBe(SHOPPER_MESSAGES.previousInvoiceOpen)

        // The shopper pays the old invoice (its checkout page was still open).
        await webhooksProcessed(getContainer(), utils.waitWorkflowExecutions, invoiceEvent("invoice.paid", oldInvoiceId), () => env.sandbox().simulate(oldInvoiceId, "paid"))
        await runMeumReconcile(getContainer(), { abandoned: { minAgeMs: 0 } })
        const [row] = await (getContainer().resolve("meumLedger") as any).listMeumInvoices({ invoice_id: oldInvoiceId })
        // Paid at the old amount for a changed cart: no session can adopt it, the merchant decides.
        expect(row).toMatchObject({ state: "needs_attention", attention_reason: "paid_without_order", cart_id: cart.id })

        const again = await postSession(cart.id)
        expect(again.status).toBe(400)
        expect(again.data.message).toBe(SHOPPER_MESSAGES.underReview)
        expect(invoicesOfCart(cart.id).map((invoice) => invoice.id)).toEqual([oldInvoiceId])
        expect(await ordersForCart(getContainer(), cart.id)).toEqual([])
      })
    })

    it("refuses a new invoice once the paid webhook placed the order: 400 'already paid', nothing asked of Meum", async () => {
      const { cartId, session } = await cartWithSession()
      await settle(session.data.invoice_id, "paid")
      expect(await ordersForCart(getContainer(), cartId)).toHaveLength(1)

      const since = Date.now()
      const again = await postSession(session.payment_collection_id)
      expect(again.status).toBe(400)
      expect(again.data.message).toBe(SHOPPER_MESSAGES.alreadyPaid)
      expect(again.data.code).toBe("meum_already_paid")
      expect(meumCalls(since)).toEqual({ creates: 0, cancels: 0 })
      expect(env.sandbox().listInvoices().filter((invoice) => invoice.external_order_id?.startsWith(cartId))).toHaveLength(1)
    })

    it("refuses a new invoice while an underpaid one waits for the merchant: 400 'being reviewed', the underpaid session stays", async () => {
      const { cartId, session } = await cartWithSession()
      await settle(session.data.invoice_id, "underpaid")

      const since = Date.now()
      const again = await postSession(session.payment_collection_id)
      expect(again.status).toBe(400)
      expect(again.data.message).toBe(SHOPPER_MESSAGES.underReview)
      expect(again.data.code).toBe("meum_under_review")
      expect(meumCalls(since)).toEqual({ creates: 0, cancels: 0 })
      // The underpaid session is still the collection's, with its invoice: nothing replaced it.
      const kept = await sessionState(getContainer(), session.id)
      expect(kept).toEqual(expect.objectContaining({ id: session.id, payment_collection_id: session.payment_collection_id }))
      expect(kept.data.invoice_id).toBe(session.data.invoice_id)
      expect(env.sandbox().getInvoice(session.data.invoice_id)!.status).toBe("underpaid")
      // And once the shopper's return completes (the session turns requires_more), still refused.
      expect((await flow().complete(cartId)).status).toBe(400)
      expect((await sessionState(getContainer(), session.id)).status).toBe("requires_more")
      const later = await postSession(session.payment_collection_id)
      expect(later.status).toBe(400)
      expect(later.data.message).toBe(SHOPPER_MESSAGES.underReview)
      expect(meumCalls(since).creates).toBe(0)
    })

    it("refuses a new invoice when Meum reports the cart's invoice paid without its metadata and every webhook was lost", async () => {
      const { cartId, session } = await cartWithSession()
      await payWithWebhooksLost(env.sandbox(), session.data.invoice_id)
      env.sandbox().setFaults({ strip_metadata: true })
      try {
        const since = Date.now()
        const again = await postSession(session.payment_collection_id)
        expect(again.status).toBe(400)
        expect(again.data.code).toBe("meum_already_paid")
        expect(meumCalls(since)).toEqual({ creates: 0, cancels: 0 })
      } finally {
        env.sandbox().resetFaults()
      }
      expect(await ordersForCart(getContainer(), cartId)).toHaveLength(0)
    })

    it("fails closed while Meum cannot show the cart's current invoice: the shopper is asked to retry, nothing is created or cancelled", async () => {
      const { session } = await cartWithSession()
      env.sandbox().setFaults({ api_error_rate: 1 })
      try {
        const since = Date.now()
        const again = await postSession(session.payment_collection_id)
        expect(again.status).toBe(400)
        expect(again.data.message).toBe(SHOPPER_MESSAGES.outage)
        expect(meumCalls(since)).toEqual({ creates: 0, cancels: 0 })
      } finally {
        env.sandbox().resetFaults()
      }
      expect((await sessionState(getContainer(), session.id))?.status).toBe("pending")
    })

    it("answers a repeated session POST with an unchanged amount from the open invoice: same session, same shape, nothing created or cancelled", async () => {
      const cart = await flow().createCart()
      await flow().addItem(cart.id, seed.variantId, 2)
      const collectionId = (await api.post("/store/payment-collections", { cart_id: cart.id }, { headers: headers() })).data.payment_collection.id
      const first = await postSession(collectionId)
      expect(first.status).toBe(200)

      const since = Date.now()
      const again = await postSession(collectionId)
      expect(again.status).toBe(200)
      expect(meumCalls(since)).toEqual({ creates: 0, cancels: 0 })
      // The same fields Medusa's route answers (the js-sdk reads payment_sessions[].data.checkout_url).
      expect(Object.keys(again.data)).toEqual(["payment_collection"])
      expect(Object.keys(again.data.payment_collection).sort()).toEqual(Object.keys(first.data.payment_collection).sort())
      const [before] = first.data.payment_collection.payment_sessions
      const [after] = again.data.payment_collection.payment_sessions
      expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort())
      expect(after.id).toBe(before.id)
      expect(after.data.checkout_url).toBe(before.data.checkout_url)
      expect(["pending", "quoted", "awaiting_payment"]).toContain(env.sandbox().getInvoice(before.data.invoice_id)!.status)
    })

    it("one cart looping 20 session POSTs (quantity alternating) gets 429 after its budget, and another shopper still gets an invoice", async () => {
      const looping = await flow().createCart("looper@example.com")
      await flow().addItem(looping.id, seed.variantId, 1)
      const collectionId = (await api.post("/store/payment-collections", { cart_id: looping.id }, { headers: headers() })).data.payment_collection.id

      const statuses: number[] = []
      const messages = new Set<string>()
      for (let i = 0; i < 20; i++) {
        await flow().updateItemQuantity(looping.id, i % 2 === 0 ? 2 : 1)
        const res = await postSession(collectionId)
        statuses.push(res.status)
        if (res.status !== 200) messages.add(res.data.message)
      }
      // maxInvoicesPerCart (5 by default) sessions, then this cart alone is refused. The window is
      // fixed: should the loop cross its edge, the cart gets at most one more budget.
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200])
      const served = statuses.filter((status) => status === 200).length
      expect(served).toBeLessThanOrEqual(10)
      expect(statuses.filter((status) => status !== 200).every((status) => status === 429)).toBe(true)
      expect([...messages]).toEqual([SHOPPER_MESSAGES.cartBudget])

      const other = await cartWithSession(1, "other@example.com")
      expect(other.session.status).toBe("pending")
      expect(typeof other.session.data.checkout_url).toBe("string")
    })
  },
})
