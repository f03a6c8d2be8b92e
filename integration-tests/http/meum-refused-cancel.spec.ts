/**
 * Issue 18, point 9: Meum refuses to cancel a superseded, still payable invoice of a changed cart.
 * The plugin must not open a second payable invoice, must tell the shopper what is true (not "the
 * service is not answering"), and the job must keep trying the cancel so the cart becomes payable.
 */
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { seedStore, type SeededStore } from "../helpers/seed-store"
import { storeFlow } from "../helpers/store-flow"
import { invoiceEvent, useMeumSandbox, webhooksProcessed } from "../helpers/meum-sandbox-env"
import { runMeumReconcile } from "../../src/jobs/reconcile-meum-payments"
import { SHOPPER_MESSAGES } from "../../src/lib/medusa-errors"
import { ordersForCart } from "../helpers/medusa-state"

jest.setTimeout(180 * 1000)

const env = useMeumSandbox()

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer, utils }) => {
    let seed: SeededStore
    const flow = () => storeFlow(api, seed.publishableKey, seed.regionId)
    const headers = () => ({ "x-publishable-api-key": seed.publishableKey })

    beforeEach(async () => {
      env.connect(String(api.defaults.baseURL))
      seed = await seedStore(getContainer())
    })
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
  },
})
