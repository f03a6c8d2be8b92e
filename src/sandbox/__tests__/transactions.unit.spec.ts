/**
 * The sandbox's transactions endpoints over real HTTP, through the plugin's client: a paid invoice
 * lists its payment_origin (the invoice's own hash) and settlement, an open one none, a refunded one
 * a refund too; the store-wide list pages with cursors and filters; auth and 404 as the other /v1 routes.
 */
import axios from "axios"
import { MeumClient } from "../../lib/meum/client"
import { MeumApiError } from "../../lib/meum/errors"
import { startMeumSandbox, type MeumSandbox } from ".."
import type { SandboxInvoice } from "../invoice-store"
import { transactionsOfInvoice } from "../transactions"

const KEY = "sk_live_transactions_0123456789"

let sandbox: MeumSandbox
let client: MeumClient

beforeEach(async () => {
  sandbox = await startMeumSandbox({ webhookSecret: "whsec_transactions", apiKeys: [KEY], idStyle: "inv" })
  client = new MeumClient({ apiKey: KEY, baseUrl: sandbox.url, retry: { maxAttempts: 1 } })
})
afterEach(async () => {
  client.close()
  await sandbox.stop()
})

describe("GET /v1/invoices/{id}/transactions", () => {
  it("lists a paid invoice's payment_origin (its transaction_hash, ethereum USDC) and its settlement (near, the output asset)", async () => {
    const invoice = await client.createInvoice({ amount: "42.50", currency: "USD" })
    expect((await client.listInvoiceTransactions(invoice.id)).data).toEqual([])
    const paid = await sandbox.simulate(invoice.id, "paid")
    const { data } = await client.listInvoiceTransactions(invoice.id)
    expect(data).toEqual([
      expect.objectContaining({
        id: expect.stringMatching(/^txn_[0-9a-f]{32}$/),
        invoice_id: invoice.id,
        type: "payment_origin",
        network: "ethereum",
        token: "USDC",
        amount: "42.50",
        transaction_hash: paid.transaction_hash,
        confirmations: expect.any(Number),
        status: "confirmed",
        verified: true,
        confirmed_at: paid.paid_at,
      }),
      expect.objectContaining({
        type: "settlement",
        network: "near",
        token: paid.output_asset,
        amount: "42.50",
        transaction_hash: expect.stringMatching(/^[1-9A-HJ-NP-Za-km-z]{40,44}$/),
        verified: true,
      }),
    ])
    // The same answer on every read.
    expect((await client.listInvoiceTransactions(invoice.id)).data).toEqual(data)
  })

  it("lists an underpaid invoice's movements with the amount that arrived", async () => {
    const invoice = await client.createInvoice({ amount: "40.00", currency: "USD" })
    await sandbox.simulate(invoice.id, "underpaid")
    const { data } = await client.listInvoiceTransactions(invoice.id)
    expect(data.map((txn) => [txn.type, txn.amount])).toEqual([
      ["payment_origin", "20.00"],
      ["settlement", "20.00"],
    ])
  })

  it("answers 404 for an unknown invoice and 401 without the key, like the other /v1 routes", async () => {
    const missing = await client.listInvoiceTransactions("inv_00000000000000000000000000000000").catch((error) => error)
    expect(missing).toBeInstanceOf(MeumApiError)
    expect(missing).toMatchObject({ status: 404, code: "resource_missing" })
    const anonymous = await axios.get(`${sandbox.url}/v1/invoices/inv_00000000000000000000000000000000/transactions`, { validateStatus: () => true })
    expect(anonymous.status).toBe(401)
  })
})

describe("transactionsOfInvoice", () => {
  it("adds a refund back to the shopper's wallet for a refunded invoice", () => {
    const invoice = {
      id: "inv_1234567890abcdef1234567890abcdef",
      status: "refunded",
      paid_amount: "10.00",
      output_asset: "USDC",
      transaction_hash: "0xabc",
      paid_at: "2026-12-05T10:00:00.000Z",
      updated_at: "2026-12-05T11:00:00.000Z",
    } as SandboxInvoice
    const [origin, settlement, refund] = transactionsOfInvoice(invoice)
    expect([origin.type, settlement.type, refund.type]).toEqual(["payment_origin", "settlement", "refund"])
    expect(refund).toMatchObject({ network: "ethereum", token: "USDC", amount: "10.00", to_wallet: origin.from_wallet, confirmed_at: "2026-12-05T11:00:00.000Z" })
    expect(refund.transaction_hash).toMatch(/^0x[0-9a-f]{64}$/)
  })
})

describe("GET /v1/transactions", () => {
  it("pages the store's transactions newest first with cursors, and filters by invoice_id and type", async () => {
    const ids: string[] = []
    for (let index = 0; index < 3; index++) {
      const invoice = await client.createInvoice({ amount: `${10 + index}.00`, currency: "USD" })
      await sandbox.simulate(invoice.id, "paid")
      ids.push(invoice.id)
    }
    await client.createInvoice({ amount: "99.00", currency: "USD" }) // open: no transactions

    const first = await client.listTransactions({ limit: 4 })
    expect(first.has_more).toBe(true)
    expect(first.next_cursor).toBe(first.data[3].id)
    expect(first.data.map((txn) => [txn.invoice_id, txn.type])).toEqual([
      [ids[2], "settlement"],
      [ids[2], "payment_origin"],
      [ids[1], "settlement"],
      [ids[1], "payment_origin"],
    ])
    const second = await client.listTransactions({ limit: 4, starting_after: first.next_cursor! })
    expect(second).toMatchObject({ has_more: false, next_cursor: null })
    expect(second.data.map((txn) => txn.invoice_id)).toEqual([ids[0], ids[0]])

    const settlements = await client.listTransactions({ type: "settlement" })
    expect(settlements.data.map((txn) => txn.invoice_id)).toEqual([...ids].reverse())
    const ofOne = await client.listTransactions({ invoice_id: ids[1] })
    expect(ofOne.data.map((txn) => txn.type)).toEqual(["settlement", "payment_origin"])
  })

  it("refuses a malformed cursor or type with 400", async () => {
    for (const params of [{ starting_after: "not-an-id" }, { type: "payout" }, { limit: 0 }]) {
      const answer = await axios.get(`${sandbox.url}/v1/transactions`, { params, headers: { Authorization: `Bearer ${KEY}` }, validateStatus: () => true })
      expect(answer.status).toBe(400)
      expect(answer.data.error.code).toBe("validation_error")
    }
  })
})
