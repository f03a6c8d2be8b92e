/**
 * Late money (issue 21): an invoice paid after it expired or after the plugin cancelled it — the
 * shopper's wallet sent before the deadline, the confirmations came after. It is placed into an
 * order when its cart is still open and it pays what the cart costs now; otherwise the merchant
 * gets it with the reason "paid after closing". Real Medusa + PostgreSQL + the sandbox over HTTP.
 */
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { runMeumReconcile } from "../../src/jobs/reconcile-meum-payments"
import { seedStore, type SeededStore } from "../helpers/seed-store"
import { storeFlow } from "../helpers/store-flow"
import { ordersForCart, sessionState } from "../helpers/medusa-state"
import { useMeumSandbox } from "../helpers/meum-sandbox-env"
import { adminAuthHeaders } from "../helpers/admin-auth"
import { cartWithOpenInvoice } from "../helpers/meum-hooks-flow"

jest.setTimeout(300 * 1000)

const env = useMeumSandbox({ webhookPath: "/hooks/meum", rateLimit: { max: 10_000, windowMs: 60_000 } })
const HOUR = 3_600_000

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    let seed: SeededStore
    const flow = () => storeFlow(api, seed.publishableKey, seed.regionId)
    const ledgerRow = async (invoiceId: string) => ((await (getContainer().resolve("meumLedger") as any).listMeumInvoices({ invoice_id: invoiceId })) as any[])[0]

    beforeEach(async () => {
      env.connect(String(api.defaults.baseURL))
      seed = await seedStore(getContainer())
    })

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
  },
})
