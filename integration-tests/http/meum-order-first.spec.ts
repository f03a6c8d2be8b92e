/** orderFirst: the cart completes into an order before payment; the paid webhook captures it. */
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { seedStore } from "../helpers/seed-store"
import { storeFlow } from "../helpers/store-flow"
import { capturesForCollection, ordersForCart, sessionState } from "../helpers/medusa-state"
import { invoiceEvent, useMeumSandbox, webhooksProcessed } from "../helpers/meum-sandbox-env"

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
  },
})
