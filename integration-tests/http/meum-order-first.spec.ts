/** orderFirst: the cart completes into an order before payment; the paid webhook captures it. */
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { seedStore } from "../helpers/seed-store"
import { storeFlow } from "../helpers/store-flow"
import { capturesForCollection, ordersForCart, sessionState } from "../helpers/medusa-state"
import { invoiceEvent, useMeumSandbox, webhooksProcessed } from "../helpers/meum-sandbox-env"
import { runMeumReconcile } from "../../src/jobs/reconcile-meum-payments"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"

jest.setTimeout(180 * 1000)

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
  },
})
