/** The client's transactions reads: documented shapes read leniently, GETs retried like the others. */
import { MeumClient } from "../client"
import { startScriptedServer, type ScriptedServer } from "./helpers/scripted-server"
import { meumErrorOf } from "./helpers/expect-meum-error"

let server: ScriptedServer
let client: MeumClient

beforeEach(async () => {
  server = await startScriptedServer()
  client = new MeumClient({ apiKey: "sk_live_txn_client_123", baseUrl: server.url, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 }, sleep: async () => undefined })
})
afterEach(async () => {
  client.close()
  await server.close()
})

describe("listInvoiceTransactions", () => {
  it("reads {data} with nullable on-chain fields, a type Meum adds later and unknown fields kept", async () => {
    server.answer({
      status: 200,
      body: {
        data: [
          { id: "txn_1", invoice_id: "inv_1", type: "payment_origin", network: "near", token: "USDC", amount: "5.00", transaction_hash: "Hx1", confirmations: 3, verified: true, status: "confirmed", extra: 1 },
          { id: "txn_2", type: "payout", network: null, token: null, amount: null, transaction_hash: null },
        ],
      },
    })
    const { data } = await client.listInvoiceTransactions("inv_1/../x")
    expect(server.requests[0].url).toBe("/v1/invoices/inv_1%2F..%2Fx/transactions")
    expect(data[0]).toMatchObject({ type: "payment_origin", network: "near", confirmations: 3, verified: true, extra: 1 })
    expect(data[1]).toMatchObject({ type: "payout", network: null, amount: null })
  })

  it("retries a 503 like every GET, and reports a body without data as invalid_response", async () => {
    server.answer({ status: 503, body: { error: "busy" } }, { status: 200, body: { data: [] } })
    expect((await client.listInvoiceTransactions("inv_1")).data).toEqual([])
    expect(server.requests).toHaveLength(2)
    server.answer({ status: 200, body: { items: [] } })
    expect(await meumErrorOf(client.listInvoiceTransactions("inv_1"))).toMatchObject({ code: "invalid_response", kind: "final" })
  })
})

describe("listTransactions", () => {
  it("sends the cursor and filters as query parameters and reads the cursor page", async () => {
    server.answer({ status: 200, body: { data: [{ id: "txn_9" }], has_more: true, next_cursor: "txn_9" } })
    const page = await client.listTransactions({ limit: 1, invoice_id: "inv_1", type: "settlement" })
    expect(server.requests[0].url).toBe("/v1/transactions?limit=1&invoice_id=inv_1&type=settlement")
    expect(page).toMatchObject({ has_more: true, next_cursor: "txn_9", data: [{ id: "txn_9" }] })
  })
})
