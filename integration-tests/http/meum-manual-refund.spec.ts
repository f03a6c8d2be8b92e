/**
 * Refunds on record (issue 21): Meum has no refund API, so with refunds: "manual" the merchant
 * sends the money on-chain and records it with POST /admin/meum/payments/:id/manual-refund.
 * Medusa's own refund workflow records it (reason "Meum manual refund (on-chain)", the hash and
 * network in the refund's metadata), once per transaction. Real Medusa + PostgreSQL + the sandbox.
 * (A registration that refuses refunds: its test in meum-ledger.spec.ts, "transactions, refused refunds and late money".)
 */
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { Modules } from "@medusajs/framework/utils"
import { seedStore, type SeededStore } from "../helpers/seed-store"
import { useMeumSandbox } from "../helpers/meum-sandbox-env"
import { adminAuthHeaders } from "../helpers/admin-auth"
import { paidOrder, refundsOf } from "../helpers/meum-paid-order"

jest.setTimeout(300 * 1000)

// medusa-config.ts reads the provider options from the environment when Medusa boots.
process.env.MEUM_REFUNDS = "manual"

const env = useMeumSandbox({ webhookPath: "/hooks/meum", rateLimit: { max: 10_000, windowMs: 60_000 } })

const HASH = "0x" + "9F3a".repeat(16)
const OTHER_HASH = "0x" + "b7c1".repeat(16)
const REASON_LABEL = "Meum manual refund (on-chain)"

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    let seed: SeededStore
    let headers: Record<string, string>

    beforeEach(async () => {
      env.connect(String(api.defaults.baseURL))
      seed = await seedStore(getContainer())
      headers = await adminAuthHeaders(api, getContainer())
    })

    const record = (paymentId: string, body: Record<string, unknown>) =>
      api.post(`/admin/meum/payments/${paymentId}/manual-refund`, body, { headers, validateStatus: () => true })

    it("records a refund sent on-chain: Medusa's refund with the reason, its amount, the hash and network in its metadata; the order's refunded total moves; the order route lists it with its explorer link", async () => {
      const { orderId, paymentId, collectionId, captured } = await paidOrder(api, getContainer(), seed, env)
      expect(captured).toBeGreaterThan(5)

      const answer = await record(paymentId, { amount: 5, network: "ETH", transaction_hash: HASH, note: "one item returned" })
      expect(answer.status).toBe(201)
      expect(answer.data).toEqual(
        expect.objectContaining({
          replayed: false,
          refund: expect.objectContaining({ network: "ethereum", transaction_hash: HASH.toLowerCase(), explorer_url: `https://etherscan.io/tx/${HASH.toLowerCase()}` }),
        })
      )

      const [refund, ...others] = await refundsOf(getContainer(), paymentId)
      expect(others).toEqual([])
      expect(Number(refund.amount)).toBe(5)
      expect(refund.refund_reason).toEqual(expect.objectContaining({ label: REASON_LABEL, code: "meum_manual_refund_onchain" }))
      expect(refund.metadata).toEqual({
        meum_transaction_hash: HASH.toLowerCase(),
        meum_network: "ethereum",
        meum_recorded_by: expect.stringMatching(/^user_/),
        meum_recorded_at: expect.any(String),
      })
      expect(refund.created_by).toBe(refund.metadata.meum_recorded_by)
      expect(refund.note).toBe(`On-chain refund: network=ethereum tx=${HASH.toLowerCase()} — one item returned`)

      // Medusa's books: the collection's refunded amount and the order's refunded total.
      const [collection] = await getContainer().resolve(Modules.PAYMENT).listPaymentCollections({ id: collectionId })
      expect(Number((collection as any).refunded_amount)).toBe(5)
      const order = (await api.get(`/admin/orders/${orderId}?fields=id,summary.*`, { headers })).data.order
      expect(Number(order.summary.refunded_total)).toBe(5)

      // The provider's note of the payment says the money went back, with which transaction.
      const [payment] = await getContainer().resolve(Modules.PAYMENT).listPayments({ id: paymentId })
      expect((payment.data as any).meum_manual_refunds).toEqual([
        expect.objectContaining({ state: "returned_on_chain", refund_id: refund.id, transaction_hash: HASH.toLowerCase(), network: "ethereum" }),
      ])

      // What the admin's order widget reads.
      const widget = (await api.get(`/admin/meum/orders/${orderId}`, { headers })).data
      expect(widget.meum_payments).toEqual([
        expect.objectContaining({
          payment_id: paymentId,
          refunds_mode: "manual",
          captured,
          refunded: 5,
          refundable: captured - 5,
          refunds: [
            expect.objectContaining({
              id: refund.id,
              amount: 5,
              reason: REASON_LABEL,
              network: "ethereum",
              transaction_hash: HASH.toLowerCase(),
              explorer_url: `https://etherscan.io/tx/${HASH.toLowerCase()}`,
            }),
          ],
        }),
      ])
    })

    it("refuses a malformed hash, an unknown body and an amount above what is left to refund with 400, and records nothing", async () => {
      const { paymentId, captured } = await paidOrder(api, getContainer(), seed, env)

      const solanaLike = await record(paymentId, { amount: 1, network: "ethereum", transaction_hash: "5".repeat(88) })
      expect(solanaLike.status).toBe(400)
      expect(solanaLike.data.message).toContain("transaction_hash: is not a Ethereum transaction hash")

      const addressNotHash = await record(paymentId, { amount: 1, network: "tron", transaction_hash: "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE" })
      expect(addressNotHash.status).toBe(400)

      const noAmount = await record(paymentId, { network: "ethereum", transaction_hash: HASH })
      expect(noAmount.status).toBe(400)
      expect(noAmount.data.message).toContain("amount")

      const tooMuch = await record(paymentId, { amount: captured + 1, network: "ethereum", transaction_hash: HASH })
      expect(tooMuch.status).toBe(400)
      expect(tooMuch.data.message).toMatch(/refund more than/)

      expect(await refundsOf(getContainer(), paymentId)).toEqual([])
    })

    it("records one transaction once: the same request twice at once gives one refund (the second answers it, replayed), the same hash with another amount is 409; another transaction is a second refund with the same reason", async () => {
      const { paymentId } = await paidOrder(api, getContainer(), seed, env)
      const body = { amount: 2, network: "solana", transaction_hash: "4".repeat(44) + "Zq".repeat(22) }

      const both = await Promise.all([record(paymentId, body), record(paymentId, body)])
      expect(both.map((answer) => answer.status).sort()).toEqual([200, 201])
      expect(both.map((answer) => answer.data.replayed).sort()).toEqual([false, true])
      expect(both[0].data.refund.id).toBe(both[1].data.refund.id)
      expect(await refundsOf(getContainer(), paymentId)).toHaveLength(1)

      const conflicting = await record(paymentId, { ...body, amount: 3 })
      expect(conflicting.status).toBe(409)
      expect(conflicting.data.message).toContain(both[0].data.refund.id)
      expect(await refundsOf(getContainer(), paymentId)).toHaveLength(1)

      const second = await record(paymentId, { amount: 1, network: "base", transaction_hash: OTHER_HASH })
      expect(second.status).toBe(201)
      const refunds = await refundsOf(getContainer(), paymentId)
      expect(refunds).toHaveLength(2)
      expect(new Set(refunds.map((refund) => refund.refund_reason_id)).size).toBe(1)
      const reasons = await getContainer().resolve(Modules.PAYMENT).listRefundReasons({ label: REASON_LABEL })
      expect(reasons).toHaveLength(1)
    })
  },
})
