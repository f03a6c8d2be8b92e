/** orderFirst: the cart completes into an order before payment; the paid webhook captures it. */
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { seedStore } from "../helpers/seed-store"
import { storeFlow } from "../helpers/store-flow"
import { capturesForCollection, ordersForCart, sessionState } from "../helpers/medusa-state"
import { invoiceEvent, useMeumSandbox, webhooksProcessed } from "../helpers/meum-sandbox-env"
import { runMeumReconcile } from "../../src/jobs/reconcile-meum-payments"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { adminAuthHeaders } from "../helpers/admin-auth"
import { meumOrderToConfirm, meumPaymentStateOfOrder, orderIdOfPayment } from "../../src/lib/order-payment"
import type { MedusaContainer } from "@medusajs/framework/types"

jest.setTimeout(180 * 1000)

/** What a merchant's `order.placed` / `payment.captured` subscriber saw, as the event was handled. */
type Seen = { event: string; id: string; orderId?: string; state?: string; toConfirm?: string; error?: string }

/**
 * Subscribes the subscriber of docs/production.md ("Order-first: confirm the order when the money
 * arrives") to the store's event bus, once per container: its decision verbatim
 * (`meumOrderToConfirm(container, event)`), recorded instead of sent, with the state the helper
 * read at that moment. `next` resolves with the first record that matches, past or future.
 */
const recorders = new WeakMap<object, ReturnType<typeof makeRecorder>>()
function makeRecorder(container: MedusaContainer) {
  const seen: Seen[] = []
  const waiters = new Set<{ match: (s: Seen) => boolean; resolve: (s: Seen) => void }>()
  const handle = async (event: { name: string; data: { id: string } }) => {
    let record: Seen
    try {
      const toConfirm = await meumOrderToConfirm(container, event)
      const orderId = event.name === "order.placed" ? event.data.id : await orderIdOfPayment(container, event.data.id)
      const state = orderId ? await meumPaymentStateOfOrder(container, orderId) : undefined
      record = { event: event.name, id: event.data.id, orderId, state, toConfirm }
    } catch (error) {
      record = { event: event.name, id: event.data.id, error: String(error) }
    }
    seen.push(record)
    for (const waiter of waiters) if (waiter.match(record)) (waiters.delete(waiter), waiter.resolve(record))
  }
  const eventBus = container.resolve(Modules.EVENT_BUS)
  eventBus.subscribe("order.placed", handle as any, { subscriberId: "test-order-confirmation-placed" })
  eventBus.subscribe("payment.captured", handle as any, { subscriberId: "test-order-confirmation-captured" })
  return {
    seen: () => [...seen],
    next: (what: string, match: (s: Seen) => boolean, timeoutMs = 30_000) =>
      new Promise<Seen>((resolve, reject) => {
        const found = seen.find(match)
        if (found) return resolve(found)
        const timer = setTimeout(() => reject(new Error(`not seen within ${timeoutMs} ms: ${what}; seen: ${JSON.stringify(seen)}`)), timeoutMs)
        waiters.add({ match, resolve: (s) => (clearTimeout(timer), resolve(s)) })
      }),
  }
}
const confirmations = (container: MedusaContainer) => {
  if (!recorders.has(container)) recorders.set(container, makeRecorder(container))
  return recorders.get(container)!
}

const env = useMeumSandbox({ orderFirst: true })

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer, utils }) => {
    it("places an order awaiting payment, then captures it when the invoice is paid", async () => {
      env.connect(String(api.defaults.baseURL))
      const seed = await seedStore(getContainer())
      const flow = storeFlow(api, seed.publishableKey, seed.regionId)
      const cart = await flow.createCart()
      await flow.addItem(cart.id, seed.variantId, 1)
      const session = await flow.startSession(cart.id, "pp_meum_meum")
      expect(session.status).toBe("pending_authorization")

      const completed = await flow.complete(cart.id)
      expect(completed.status).toBe(200)
      expect(completed.data.type).toBe("order")
      const orderId = completed.data.order.id
      expect((await sessionState(getContainer(), session.id)).status).toBe("pending_authorization")
      expect(await capturesForCollection(getContainer(), session.payment_collection_id)).toEqual({ payments: 0, captures: 0, capturedAt: [] })

      await webhooksProcessed(
        getContainer(),
        utils.waitWorkflowExecutions,
        invoiceEvent("invoice.paid", session.data.invoice_id),
        () => env.sandbox().simulate(session.data.invoice_id, "paid")
      )

      expect(await ordersForCart(getContainer(), cart.id)).toEqual([orderId])
      expect((await sessionState(getContainer(), session.id)).status).toBe("authorized")
      expect(await capturesForCollection(getContainer(), session.payment_collection_id)).toEqual({
        payments: 1,
        captures: 1,
        capturedAt: [expect.any(Date)],
      })
    })

    it("cancels the order of an expired invoice after the grace period, releasing its reservation", async () => {
      env.connect(String(api.defaults.baseURL))
      const seed = await seedStore(getContainer())
      const flow = storeFlow(api, seed.publishableKey, seed.regionId)
      const cart = await flow.createCart()
      await flow.addItem(cart.id, seed.variantId, 2)
      const session = await flow.startSession(cart.id, "pp_meum_meum")
      const completed = await flow.complete(cart.id)
      const orderId = completed.data.order.id
      const inventory = getContainer().resolve(Modules.INVENTORY)
      const reservations = () => inventory.listReservationItems({ inventory_item_id: seed.inventoryItemId })
      expect(await reservations()).toHaveLength(1)

      await env.sandbox().simulate(session.data.invoice_id, "expired")
      const orderStatus = async () => {
        const query = getContainer().resolve(ContainerRegistrationKeys.QUERY)
        const { data } = await query.graph({ entity: "order", fields: ["status"], filters: { id: orderId } })
        return (data[0] as any).status
      }

      // Within the grace period (900 s by default) the order stays.
      const early = await runMeumReconcile(getContainer())
      expect(early.ordersCanceled).toBe(0)
      expect(await orderStatus()).not.toBe("canceled")
      expect(await reservations()).toHaveLength(1)

      const late = await runMeumReconcile(getContainer(), { now: () => Date.now() + 901_000 })
      expect(late.ordersCanceled).toBe(1)
      expect(await orderStatus()).toBe("canceled")
      expect(await reservations()).toHaveLength(0)
      expect((await sessionState(getContainer(), session.id)).status).toBe("canceled")

      const again = await runMeumReconcile(getContainer(), { now: () => Date.now() + 901_000 })
      expect(again.ordersCanceled).toBe(0)
    })

    it("an invoice still open past the plugin's lifetime is cancelled at Meum, and its order after the grace period, releasing its reservation", async () => {
      env.connect(String(api.defaults.baseURL))
      const seed = await seedStore(getContainer())
      const flow = storeFlow(api, seed.publishableKey, seed.regionId)
      const cart = await flow.createCart()
      await flow.addItem(cart.id, seed.variantId, 1)
      const session = await flow.startSession(cart.id, "pp_meum_meum")
      const orderId = (await flow.complete(cart.id)).data.order.id
      const inventory = getContainer().resolve(Modules.INVENTORY)
      const reservations = () => inventory.listReservationItems({ inventory_item_id: seed.inventoryItemId })
      const orderStatus = async () => {
        const { data } = await getContainer().resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "order", fields: ["status"], filters: { id: orderId } })
        return (data[0] as any).status
      }
      const HOUR = 3_600_000
      await runMeumReconcile(getContainer())

      // Past the lifetime (60 min by default): cancelled at Meum; the order waits out its grace.
      const past = Date.now() + HOUR + 60_000
      await runMeumReconcile(getContainer(), { now: () => past })
      expect(env.sandbox().getInvoice(session.data.invoice_id)?.status).toBe("cancelled")
      expect(await orderStatus()).not.toBe("canceled")
      expect(await reservations()).toHaveLength(1)

      const late = await runMeumReconcile(getContainer(), { now: () => past + 901_000 })
      expect(late.ordersCanceled).toBe(1)
      expect(await orderStatus()).toBe("canceled")
      expect(await reservations()).toHaveLength(0)
    })

    describe("an order the plugin must not cancel (issue 18, point 2)", () => {
      const placeOrder = async () => {
        env.connect(String(api.defaults.baseURL))
        const seed = await seedStore(getContainer())
        const flow = storeFlow(api, seed.publishableKey, seed.regionId)
        const cart = await flow.createCart()
        await flow.addItem(cart.id, seed.variantId, 1)
        const session = await flow.startSession(cart.id, "pp_meum_meum")
        const completed = await flow.complete(cart.id)
        expect(completed.data.type).toBe("order")
        return { cart, session, orderId: completed.data.order.id as string }
      }
      const orderStatus = async (orderId: string) => {
        const query = getContainer().resolve(ContainerRegistrationKeys.QUERY)
        const { data } = await query.graph({ entity: "order", fields: ["status"], filters: { id: orderId } })
        return (data[0] as any).status
      }
      const ledgerRow = async (invoiceId: string) => {
        const [row] = await (getContainer().resolve("meumLedger") as any).listMeumInvoices({ invoice_id: invoiceId })
        return row
      }
      /** A second Meum session on the same collection, made through Medusa's payment module (not the store route). */
      const secondSession = async (collectionId: string, amount: unknown) => {
        const payment = getContainer().resolve(Modules.PAYMENT)
        const created = await payment.createPaymentSession(collectionId, { provider_id: "pp_meum_meum", amount: amount as number, currency_code: "usd", data: {} })
        return created as unknown as { id: string; data: { invoice_id: string } }
      }

      it("keeps an order whose first invoice was paid when a second invoice of its collection expires, and raises it for the merchant", async () => {
        const { session, orderId } = await placeOrder()
        await webhooksProcessed(getContainer(), utils.waitWorkflowExecutions, invoiceEvent("invoice.paid", session.data.invoice_id), () =>
          env.sandbox().simulate(session.data.invoice_id, "paid")
        )
        expect((await capturesForCollection(getContainer(), session.payment_collection_id)).captures).toBe(1)

        const second = await secondSession(session.payment_collection_id, (await sessionState(getContainer(), session.id)).amount)
        expect(second.data.invoice_id).not.toBe(session.data.invoice_id)
        await env.sandbox().simulate(second.data.invoice_id, "expired")

        const logged = jest.spyOn(getContainer().resolve(ContainerRegistrationKeys.LOGGER), "error")
        const late = await runMeumReconcile(getContainer(), { now: () => Date.now() + 901_000 })
        expect(late.ordersCanceled).toBe(0)
        expect(await orderStatus(orderId)).not.toBe("canceled")
        expect(await ledgerRow(second.data.invoice_id)).toMatchObject({ state: "needs_attention", attention_reason: "order_paid_not_cancelled", order_id: orderId })
        expect(logged.mock.calls.map(([message]) => String(message)).join("\n")).toContain(`not cancelling order ${orderId}`)
        logged.mockRestore()
      })

      it("keeps an order whose first invoice was paid when the merchant rejects a second, underpaid invoice of its collection", async () => {
        const { session, orderId } = await placeOrder()
        await webhooksProcessed(getContainer(), utils.waitWorkflowExecutions, invoiceEvent("invoice.paid", session.data.invoice_id), () =>
          env.sandbox().simulate(session.data.invoice_id, "paid")
        )
        const second = await secondSession(session.payment_collection_id, (await sessionState(getContainer(), session.id)).amount)
        await webhooksProcessed(getContainer(), utils.waitWorkflowExecutions, invoiceEvent("invoice.underpaid", second.data.invoice_id), () =>
          env.sandbox().simulate(second.data.invoice_id, "underpaid")
        )
        const headers = await adminAuthHeaders(api, getContainer())
        const rejected = await api.post(`/admin/meum/payment-sessions/${second.id}/underpaid`, { decision: "reject" }, { headers, validateStatus: () => true })
        expect(rejected.status).toBe(200)
        expect(rejected.data.message).toContain(`Order ${orderId} was NOT cancelled`)
        expect(await orderStatus(orderId)).not.toBe("canceled")
        expect((await capturesForCollection(getContainer(), session.payment_collection_id)).captures).toBe(1)
      })

      it("keeps an order when the ledger holds a paid-type invoice of one of its collection's sessions (underpaid), even with no captured payment", async () => {
        const { session, orderId } = await placeOrder()
        const second = await secondSession(session.payment_collection_id, (await sessionState(getContainer(), session.id)).amount)
        await webhooksProcessed(getContainer(), utils.waitWorkflowExecutions, invoiceEvent("invoice.underpaid", second.data.invoice_id), () =>
          env.sandbox().simulate(second.data.invoice_id, "underpaid")
        )
        await runMeumReconcile(getContainer())
        expect(await ledgerRow(second.data.invoice_id)).toMatchObject({ state: "needs_attention", attention_reason: "underpaid" })
        expect((await capturesForCollection(getContainer(), session.payment_collection_id)).captures).toBe(0)

        await env.sandbox().simulate(session.data.invoice_id, "expired")
        const late = await runMeumReconcile(getContainer(), { now: () => Date.now() + 901_000 })
        expect(late.ordersCanceled).toBe(0)
        expect(await orderStatus(orderId)).not.toBe("canceled")
        expect(await ledgerRow(session.data.invoice_id)).toMatchObject({ state: "needs_attention", attention_reason: "order_paid_not_cancelled" })
      })

      it("hands a cancellation that keeps failing to the merchant after the machine's attempts instead of retrying forever", async () => {
        const { session, orderId } = await placeOrder()
        // Medusa refuses to cancel a completed order ("use the return process").
        const { completeOrderWorkflow } = await import("@medusajs/core-flows")
        await completeOrderWorkflow(getContainer()).run({ input: { orderIds: [orderId] } })
        await env.sandbox().simulate(session.data.invoice_id, "expired")

        const { DEFAULT_MACHINE_SETTINGS } = await import("../../src/modules/meum-ledger/decide")
        const afterGrace = Date.now() + 901_000
        let row: any
        for (let run = 0; run < DEFAULT_MACHINE_SETTINGS.maxCompletionAttempts; run++) {
          // Each run moves the clock past the row's backoff, as a job would over time.
          row = await ledgerRow(session.data.invoice_id)
          const at = Math.max(afterGrace, row?.next_check_at ? new Date(row.next_check_at).getTime() + 1 : 0)
          await runMeumReconcile(getContainer(), { now: () => at })
        }
        row = await ledgerRow(session.data.invoice_id)
        expect(row).toMatchObject({ state: "needs_attention", attention_reason: "order_cancel_failing", next_check_at: null })
        expect(row.last_error).toContain("completed order")
        expect(await orderStatus(orderId)).toBe("completed")

        // Handed over: a further run does not try again.
        await runMeumReconcile(getContainer(), { now: () => afterGrace + 24 * 3_600_000 })
        expect(await ledgerRow(session.data.invoice_id)).toMatchObject({ state: "needs_attention", attempts: row.attempts, last_checked_at: row.last_checked_at })
      })
    })

    describe("the order confirmation waits for the Meum payment (issue 21: order-first without premature emails)", () => {
      const placeOrder = async () => {
        env.connect(String(api.defaults.baseURL))
        const recorder = confirmations(getContainer())
        const seed = await seedStore(getContainer())
        const flow = storeFlow(api, seed.publishableKey, seed.regionId)
        const cart = await flow.createCart()
        await flow.addItem(cart.id, seed.variantId, 1)
        const session = await flow.startSession(cart.id, "pp_meum_meum")
        const completed = await flow.complete(cart.id)
        expect(completed.data.type).toBe("order")
        const orderId = completed.data.order.id as string
        const storeOrder = async () =>
          (await api.get(`/store/orders/${orderId}?fields=id,status,payment_status,summary`, { headers: { "x-publishable-api-key": seed.publishableKey } })).data.order
        return { recorder, session, orderId, storeOrder }
      }
      const paymentOfOrder = async (collectionId: string) => {
        const payments = getContainer().resolve(Modules.PAYMENT)
        // FilterablePaymentProps (2.21) does not list payment_collection_id; the query filters on the column.
        const [payment] = await payments.listPayments({ payment_collection_id: collectionId } as Parameters<typeof payments.listPayments>[0])
        return payment
      }

      it("at order.placed the order is awaiting its payment (no confirmation); payment.captured of its Meum payment confirms it once the invoice is paid (Medusa's core webhook route)", async () => {
        const { recorder, session, orderId, storeOrder } = await placeOrder()
        const placed = await recorder.next(`order.placed of ${orderId}`, (s) => s.event === "order.placed" && s.id === orderId)
        expect(placed).toEqual({ event: "order.placed", id: orderId, orderId, state: "awaiting_payment", toConfirm: undefined })
        expect(await meumPaymentStateOfOrder(getContainer(), orderId)).toBe("awaiting_payment")
        // What the storefront reads (it cannot run server helpers): the order is not paid.
        expect(await storeOrder()).toMatchObject({ id: orderId, status: "pending", payment_status: expect.not.stringMatching(/captured|authorized/) })

        await webhooksProcessed(getContainer(), utils.waitWorkflowExecutions, invoiceEvent("invoice.paid", session.data.invoice_id), () =>
          env.sandbox().simulate(session.data.invoice_id, "paid")
        )
        const payment = await paymentOfOrder(session.payment_collection_id)
        expect(payment).toBeDefined()
        const captured = await recorder.next(`payment.captured of ${orderId}'s payment`, (s) => s.event === "payment.captured" && s.id === payment.id)
        expect(captured).toEqual({ event: "payment.captured", id: payment.id, orderId, state: "paid", toConfirm: orderId })
        expect(await orderIdOfPayment(getContainer(), payment.id)).toBe(orderId)
        expect(await meumPaymentStateOfOrder(getContainer(), orderId)).toBe("paid")
        expect((await storeOrder()).payment_status).toBe("captured")
        expect(Number((await storeOrder()).summary.pending_difference)).toBe(0)
        // One confirmation for the order: order.placed did not send one.
        expect(recorder.seen().filter((s) => s.toConfirm === orderId)).toHaveLength(1)
      })

      it("the plugin's own capture (the reconcile job, after every paid webhook was lost) emits payment.captured and records the money on the order, like Medusa's route", async () => {
        const { recorder, session, orderId, storeOrder } = await placeOrder()
        await recorder.next(`order.placed of ${orderId}`, (s) => s.event === "order.placed" && s.id === orderId)
        env.sandbox().setFaults({ webhook_drop_rate: 1 })
        try {
          await env.sandbox().simulate(session.data.invoice_id, "paid")
        } finally {
          env.sandbox().resetFaults()
        }
        expect((await runMeumReconcile(getContainer())).failed).toBe(0)

        const payment = await paymentOfOrder(session.payment_collection_id)
        const captured = await recorder.next(`payment.captured of ${orderId}'s payment`, (s) => s.event === "payment.captured" && s.id === payment.id)
        expect(captured).toEqual({ event: "payment.captured", id: payment.id, orderId, state: "paid", toConfirm: orderId })
        expect((await storeOrder()).payment_status).toBe("captured")
        expect(Number((await storeOrder()).summary.pending_difference)).toBe(0)
        // A later run changes nothing: the money is recorded on the order once.
        await runMeumReconcile(getContainer(), { now: () => Date.now() + 3_600_000 })
        expect(Number((await storeOrder()).summary.pending_difference)).toBe(0)
        expect(recorder.seen().filter((s) => s.toConfirm === orderId)).toHaveLength(1)
      })

      it("an order whose invoice expired is cancelled after the grace period: canceled, never confirmed", async () => {
        const { recorder, session, orderId, storeOrder } = await placeOrder()
        await recorder.next(`order.placed of ${orderId}`, (s) => s.event === "order.placed" && s.id === orderId)
        await env.sandbox().simulate(session.data.invoice_id, "expired")

        await runMeumReconcile(getContainer())
        expect(await meumPaymentStateOfOrder(getContainer(), orderId)).toBe("awaiting_payment") // within the grace period: late money may still come
        const late = await runMeumReconcile(getContainer(), { now: () => Date.now() + 901_000 })
        expect(late.ordersCanceled).toBe(1)
        expect(await meumPaymentStateOfOrder(getContainer(), orderId)).toBe("canceled")
        expect((await storeOrder()).status).toBe("canceled")
        expect(recorder.seen().filter((s) => s.orderId === orderId || s.id === orderId)).toEqual([
          { event: "order.placed", id: orderId, orderId, state: "awaiting_payment", toConfirm: undefined },
        ])
      })

      it("an unknown order id is a NOT_FOUND error, not a state", async () => {
        await expect(meumPaymentStateOfOrder(getContainer(), "order_does_not_exist")).rejects.toMatchObject({ type: "not_found" })
      })
    })
  },
})
