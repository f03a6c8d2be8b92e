/**
 * On-chain facts in the admin (issue 21) on real Medusa + PostgreSQL + the sandbox: a paid invoice's
 * transactions are not read in the webhook's path; the reconcile job reads them once when the
 * invoice has settled and stores them in the ledger (shown by the order's admin route and the
 * ledger list); a later run reads nothing more; "Refresh from Meum" reads them again; a failed read
 * is retried by the next run.
 * Also late money (an invoice paid after it expired or was cancelled: placed, or the merchant's) and
 * the refused side of refunds on record: with the default refunds: "refuse" the admin's manual
 * refund route records nothing (here rather than in a suite of its own: the option is read when
 * Medusa boots, and this suite boots with the default; refunds: "manual" is meum-manual-refund.spec.ts).
 */
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { runMeumReconcile } from "../../src/jobs/reconcile-meum-payments"
import { seedStore, type SeededStore } from "../helpers/seed-store"
import { storeFlow } from "../helpers/store-flow"
import { ordersForCart, sessionState } from "../helpers/medusa-state"
import { useMeumSandbox } from "../helpers/meum-sandbox-env"
import { adminAuthHeaders } from "../helpers/admin-auth"
import { cartWithOpenInvoice } from "../helpers/meum-hooks-flow"
import { paidOrder, refundsOf } from "../helpers/meum-paid-order"

jest.setTimeout(300 * 1000)

// The default: no MEUM_REFUNDS, so refunds: "refuse" (a suite before this one in the same worker may have set it).
delete process.env.MEUM_REFUNDS

const env = useMeumSandbox({ webhookPath: "/hooks/meum", rateLimit: { max: 10_000, windowMs: 60_000 } })

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    let seed: SeededStore
    const flow = () => storeFlow(api, seed.publishableKey, seed.regionId)
    const ledger = () => getContainer().resolve("meumLedger") as any
    const ledgerRow = async (invoiceId: string) => (await ledger().listMeumInvoices({ invoice_id: invoiceId }))[0]
    const transactionReads = (invoiceId: string) =>
      env.sandbox().requests().filter((r) => r.method === "GET" && r.path === `/v1/invoices/${invoiceId}/transactions`).length

    beforeEach(async () => {
      env.connect(String(api.defaults.baseURL))
      seed = await seedStore(getContainer())
    })

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
      const HOUR = 3_600_000

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
  },
})
