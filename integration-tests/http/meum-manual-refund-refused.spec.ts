/**
 * Refunds on record, the other side: a registration with the default refunds: "refuse" records
 * no manual refund — the admin route answers 400 naming the option, and Medusa records nothing.
 * (Its own suite: the option is read when Medusa boots.)
 */
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { seedStore } from "../helpers/seed-store"
import { useMeumSandbox } from "../helpers/meum-sandbox-env"
import { adminAuthHeaders } from "../helpers/admin-auth"
import { paidOrder, refundsOf } from "../helpers/meum-paid-order"

jest.setTimeout(300 * 1000)

// The default: no MEUM_REFUNDS, so refunds: "refuse".
delete process.env.MEUM_REFUNDS

const env = useMeumSandbox({ webhookPath: "/hooks/meum", rateLimit: { max: 10_000, windowMs: 60_000 } })

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    it("answers 400 naming the refunds option for a registration that refuses refunds, and records nothing", async () => {
      env.connect(String(api.defaults.baseURL))
      const seed = await seedStore(getContainer())
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
  },
})
