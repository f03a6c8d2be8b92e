/** Contract tests: our Meum client against the sandbox, for every endpoint and error shape. */
import axios from "axios"
import { MeumClient } from "../../lib/meum/client"
import { meumErrorOf } from "../../lib/meum/__tests__/helpers/expect-meum-error"
import { startMeumSandbox, type MeumSandbox, type MeumSandboxOptions } from ".."

const KEY = "sk_live_contract_0123456789"
const started: MeumSandbox[] = []
const clients: MeumClient[] = []

async function sandboxWith(options: Partial<MeumSandboxOptions> = {}) {
  const sandbox = await startMeumSandbox({ webhookSecret: "whsec_contract", apiKeys: [KEY], ...options })
  started.push(sandbox)
  const client = new MeumClient({ apiKey: KEY, baseUrl: sandbox.url, retry: { maxAttempts: 1 } })
  clients.push(client)
  return { sandbox, client }
}

afterEach(async () => {
  clients.splice(0).forEach((client) => client.close())
  await Promise.all(started.splice(0).map((sandbox) => sandbox.stop()))
})

describe("sandbox API contract", () => {
  // The defaults (landing-page create answer, UUID ids, nep141 output asset) are proven in
  // switches.unit.spec.ts; this pins the alternative switches' full invoice object.
  it("creates an invoice with every documented field (createResponse full, idStyle inv, outputAsset USDC)", async () => {
    const { sandbox, client } = await sandboxWith({ createResponse: "full", idStyle: "inv", outputAsset: "USDC" })
    const invoice = await client.createInvoice({
      amount: "41.00",
      currency: "USD",
      external_order_id: "cart_1",
      return_url: "https://shop.example.com/return",
      metadata: { medusa_session_id: "payses_1" },
    })
    expect(invoice).toEqual(
      expect.objectContaining({
        status: "awaiting_payment",
        amount: "41.00",
        currency: "USD",
        order_amount: "41.00",
        order_currency: "USD",
        external_order_id: "cart_1",
        return_url: "https://shop.example.com/return",
        output_asset: "USDC",
        paid_amount: null,
        metadata: { medusa_session_id: "payses_1" },
      })
    )
    expect(invoice.id).toMatch(/^inv_[0-9a-f]{32}$/)
    expect(invoice.checkout_url).toBe(`${sandbox.url}/pay/${invoice.id}`)
    expect(Date.parse(invoice.expires_at!)).toBeGreaterThan(Date.now())
  })

  it("gets the invoice, its status (statusBody full), and cancels open invoices only", async () => {
    const { client } = await sandboxWith({ statusBody: "full" })
    const { id } = await client.createInvoice({ amount: "5.00", currency: "USD" })
    expect((await client.getInvoice(id)).currency).toBe("USD")
    expect(await client.getInvoiceStatus(id)).toEqual(expect.objectContaining({ status: "awaiting_payment" }))
    expect((await client.cancelInvoice(id)).status).toBe("cancelled")
    const error = await meumErrorOf(client.cancelInvoice(id))
    expect(error).toEqual(expect.objectContaining({ status: 400, code: "invoice_not_cancellable", type: "invalid_request_error" }))
  })

  it("answers unknown invoices with the structured 404 and bad input with the structured 400", async () => {
    const { sandbox, client } = await sandboxWith()
    expect(await meumErrorOf(client.getInvoice("inv_00000000000000000000000000000000"))).toEqual(
      expect.objectContaining({ status: 404, code: "resource_missing" })
    )
    const res = await axios.post(`${sandbox.url}/v1/invoices`, { amount: 10, currency: "USD" }, {
      headers: { Authorization: `Bearer ${KEY}` },
      validateStatus: () => true,
    })
    expect(res.status).toBe(400)
    expect(res.data.error).toEqual(expect.objectContaining({ type: "invalid_request_error", code: "validation_error" }))
    expect(res.data.error.message).toContain("amount")
  })

  it("answers 401 without a key or with a wrong key", async () => {
    const { sandbox } = await sandboxWith()
    const wrong = new MeumClient({ apiKey: "sk_live_wrong", baseUrl: sandbox.url })
    clients.push(wrong)
    expect(await meumErrorOf(wrong.getInvoice("inv_1"))).toEqual(expect.objectContaining({ status: 401, code: "invalid_api_key" }))
    const bare = await axios.get(`${sandbox.url}/v1/invoices`, { validateStatus: () => true })
    expect(bare.status).toBe(401)
  })

  it("pages forward with starting_after and backward with ending_before, newest first", async () => {
    const { client } = await sandboxWith()
    const ids: string[] = []
    for (let i = 0; i < 5; i++) ids.push((await client.createInvoice({ amount: `${i + 1}.00`, currency: "USD" })).id)
    const newestFirst = [...ids].reverse()

    const first = await client.listInvoices({ limit: 2 })
    expect(first.data.map((i) => i.id)).toEqual(newestFirst.slice(0, 2))
    expect(first).toEqual(expect.objectContaining({ has_more: true, next_cursor: newestFirst[1] }))
    const second = await client.listInvoices({ limit: 2, starting_after: first.next_cursor! })
    expect(second.data.map((i) => i.id)).toEqual(newestFirst.slice(2, 4))
    const last = await client.listInvoices({ limit: 2, starting_after: second.next_cursor! })
    expect(last).toEqual(expect.objectContaining({ has_more: false, next_cursor: null }))
    expect(last.data.map((i) => i.id)).toEqual(newestFirst.slice(4))

    const back = await client.listInvoices({ limit: 2, ending_before: newestFirst[4] })
    expect(back.data.map((i) => i.id)).toEqual(newestFirst.slice(2, 4))
    expect(back.has_more).toBe(true)

    const all: string[] = []
    for await (const invoice of client.iterateInvoices({ limit: 2 })) all.push(invoice.id)
    expect(all).toEqual(newestFirst)
  })

  it("filters by status and external_order_id", async () => {
    const { client } = await sandboxWith({ dedupeByExternalOrderId: false })
    const a = await client.createInvoice({ amount: "1.00", currency: "USD", external_order_id: "cart_a" })
    await client.createInvoice({ amount: "2.00", currency: "USD", external_order_id: "cart_b" })
    const a2 = await client.createInvoice({ amount: "3.00", currency: "USD", external_order_id: "cart_a" })
    await client.cancelInvoice(a.id)
    expect((await client.listInvoices({ external_order_id: "cart_a" })).data.map((i) => i.id)).toEqual([a2.id, a.id])
    expect((await client.listInvoices({ status: "cancelled" })).data.map((i) => i.id)).toEqual([a.id])
    expect((await client.listInvoices({ status: "awaiting_payment", external_order_id: "cart_a" })).data.map((i) => i.id)).toEqual([a2.id])
  })

  it("returns the existing open invoice for the same external_order_id when dedupe is open, a new one when off", async () => {
    const on = await sandboxWith({ dedupe: "open" })
    const first = await on.client.createInvoice({ amount: "1.00", currency: "USD", external_order_id: "cart_x" })
    const again = await on.client.createInvoice({ amount: "9.00", currency: "USD", external_order_id: "cart_x" })
    expect(again.id).toBe(first.id)
    await on.client.cancelInvoice(first.id)
    expect((await on.client.createInvoice({ amount: "9.00", currency: "USD", external_order_id: "cart_x" })).id).not.toBe(first.id)

    const off = await sandboxWith({ dedupeByExternalOrderId: false })
    const one = await off.client.createInvoice({ amount: "1.00", currency: "USD", external_order_id: "cart_x" })
    const two = await off.client.createInvoice({ amount: "1.00", currency: "USD", external_order_id: "cart_x" })
    expect(two.id).not.toBe(one.id)
  })

  it("rate limits creates with the legacy 429 body and a Retry-After", async () => {
    const { sandbox, client } = await sandboxWith({ rateLimit: { max: 3, windowMs: 60_000 } })
    for (let i = 0; i < 3; i++) await client.createInvoice({ amount: "1.00", currency: "USD" })
    const error = await meumErrorOf(client.createInvoice({ amount: "1.00", currency: "USD" }))
    expect(error).toEqual(expect.objectContaining({ status: 429, kind: "retryable", message: expect.stringContaining("Too many requests") }))
    const raw = await axios.post(`${sandbox.url}/v1/invoices`, { amount: "1.00", currency: "USD" }, {
      headers: { Authorization: `Bearer ${KEY}` },
      validateStatus: () => true,
    })
    expect(raw.data).toEqual({ error: "Too many requests" })
    expect(Number(raw.headers["retry-after"])).toBeGreaterThan(0)
    expect(sandbox.listInvoices()).toHaveLength(3)
  })

  it("refuses creates with payout_wallet_not_configured when the switch is off", async () => {
    const { client } = await sandboxWith({ payoutWalletConfigured: false })
    expect(await meumErrorOf(client.createInvoice({ amount: "1.00", currency: "USD" }))).toEqual(
      expect.objectContaining({ status: 400, code: "payout_wallet_not_configured", kind: "final" })
    )
  })

  it("answers health", async () => {
    const { client } = await sandboxWith()
    expect(await client.health()).toEqual(expect.objectContaining({ status: "ok" }))
  })
})
