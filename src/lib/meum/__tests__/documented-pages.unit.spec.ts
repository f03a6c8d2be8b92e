/**
 * Meum as its two published pages show it (verbatim payloads in ./fixtures, copied from
 * ../shared/meum-docs): the client and the verifier must read every example as printed.
 */
import { createHmac } from "node:crypto"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { MeumClient } from "../client"
import { invoiceSchema } from "../invoice"
import { invoiceStatusResponseSchema, webhookEventSchema } from "../schemas"
import { verifyWebhook } from "../webhook-signature"
import { startScriptedServer, type ScriptedServer } from "./helpers/scripted-server"

const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8")
const API_KEY = "sk_live_documented_pages_01"
const UUID = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"

let server: ScriptedServer
let client: MeumClient
beforeEach(async () => {
  server = await startScriptedServer()
  client = new MeumClient({ apiKey: API_KEY, baseUrl: server.url, timeoutMs: 2000, retry: { maxAttempts: 1 } })
})
afterEach(async () => {
  client.close()
  await server.close()
})

describe("the API reference's invoice object (Cancel invoice page), verbatim", () => {
  it("is read by cancel, get and list: no status field → unknown, placeholders and nullable fields kept", async () => {
    const body = fixture("api-reference-invoice-example.json")
    server.answer({ status: 200, body })
    const cancelled = await client.cancelInvoice("inv_0123456789abcdef0123")
    expect(cancelled).toEqual(
      expect.objectContaining({
        id: "<string>",
        status: "unknown",
        reported_status: null,
        amount: "100.00",
        order_amount: "100.00",
        order_currency: "USD",
        paid_amount: "100.00",
        output_asset: "USDC",
        checkout_url: "<string>",
        customer_id: "3c90c3cc-0d44-4b50-8888-8dd25736052a",
        payment_link_id: "3c90c3cc-0d44-4b50-8888-8dd25736052a",
        metadata: {},
      })
    )
    const fetched = await client.getInvoice("<string>")
    expect(fetched.id).toBe("<string>")
    expect(server.requests[1].url).toBe("/v1/invoices/%3Cstring%3E")
  })

  it("reads every documented null: checkout_url, paid_amount, transaction_hash, paid_at, return_url, customer_id, payment_link_id", () => {
    const example = JSON.parse(fixture("api-reference-invoice-example.json"))
    const closed = invoiceSchema.parse({
      ...example,
      status: "cancelled",
      checkout_url: null,
      paid_amount: null,
      transaction_hash: null,
      paid_at: null,
      return_url: null,
      customer_id: null,
      payment_link_id: null,
    })
    expect(closed).toEqual(expect.objectContaining({ status: "cancelled", checkout_url: null, paid_amount: null, paid_at: null }))
  })

  it("keeps a list page readable when one invoice has a status the docs do not list", async () => {
    const example = JSON.parse(fixture("api-reference-invoice-example.json"))
    server.answer({
      status: 200,
      body: { data: [{ ...example, id: UUID, status: "refund_pending" }, { ...example, status: "paid" }], has_more: false, next_cursor: null },
    })
    const page = await client.listInvoices({ external_order_id: "order_demo_1048" })
    expect(page.data.map((invoice) => [invoice.status, invoice.reported_status])).toEqual([
      ["unknown", "refund_pending"],
      ["paid", "paid"],
    ])
  })
})

describe("the developers' landing page, verbatim", () => {
  it("sends the documented create request and reads the create response (UUID id, invoiceId, payment_url)", async () => {
    server.answer({ status: 201, body: fixture("landing-create-response.json") })
    const request = JSON.parse(fixture("landing-create-request.json"))
    const created = await client.createInvoice(request)
    expect(JSON.parse(server.requests[0].body)).toEqual(request)
    expect(created).toEqual(
      expect.objectContaining({
        id: UUID,
        invoiceId: UUID,
        status: "awaiting_payment",
        checkout_url: `https://pay.meum.io/${UUID}`,
        payment_url: `https://pay.meum.io/${UUID}`,
        output_asset: "nep141:sol-c800a4bd850783ccb82c2b2c7e84175443606352.omft.near",
        expires_at: "2099-12-31T23:59:59.999Z",
      })
    )
  })

  it("falls back to payment_url only when checkout_url is absent, never when it is null", () => {
    const response = JSON.parse(fixture("landing-create-response.json"))
    const { checkout_url: _omitted, ...withoutCheckoutUrl } = response
    expect(invoiceSchema.parse(withoutCheckoutUrl).checkout_url).toBe(`https://pay.meum.io/${UUID}`)
    expect(invoiceSchema.parse({ ...response, status: "expired", checkout_url: null }).checkout_url).toBeNull()
  })

  it("verifies the invoice.paid webhook byte for byte, signed as documented (v1 HMAC of timestamp.body)", () => {
    const rawBody = fixture("landing-webhook-invoice-paid.body.json")
    const secret = "whsec_landing_page_example"
    const timestamp = 1719234567
    const headers = {
      "content-type": "application/json",
      "x-stablecoin-event": "invoice.paid",
      "x-stablecoin-event-id": "evt_abc123def456",
      "x-stablecoin-timestamp": String(timestamp),
      "x-stablecoin-signature": `v1=${createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest("hex")}`,
    }
    const verified = verifyWebhook({ rawBody, headers, secrets: [secret], now: () => timestamp * 1000 + 5_000 })
    expect(verified.ok).toBe(true)
    if (!verified.ok) return
    expect(verified.event).toEqual(
      expect.objectContaining({
        id: "evt_abc123def456",
        type: "invoice.paid",
        organizationId: "org-uuid",
        storeId: "store-uuid",
        storePublicId: "northstar-goods",
      })
    )
    expect(verified.event.data).toEqual(
      expect.objectContaining({ invoice_id: UUID, external_order_id: "order-1048", status: "paid", payment_url: `https://pay.meum.io/${UUID}` })
    )
    // One byte more (a trailing newline) and the signature no longer holds.
    expect(verifyWebhook({ rawBody: rawBody + "\n", headers, secrets: [secret], now: () => timestamp * 1000 }).ok).toBe(false)
  })

  it("accepts a signed event of a type and status the docs do not name yet (refund-related events exist)", () => {
    const rawBody = JSON.stringify({ id: "evt_future_1", type: "invoice.refund_requested", data: { invoice_id: UUID, status: "refund_pending", paid_amount: "12.5 USDC" } })
    const parsed = webhookEventSchema.safeParse(JSON.parse(rawBody))
    expect(parsed.success).toBe(true)
  })
})

describe("GET /v1/invoices/{id}/status (no published response schema)", () => {
  it.each([
    ["an empty object", {}],
    ["only the documented fields", { swap_status: "processing", tx_hash: null, deposit_address: "0xabc", deposit_memo: null }],
    ["an unknown status", { status: "teleported" }],
    ["an array", []],
    ["a string", "ok"],
  ])("reads %s as 'no status', never as an error", async (_label, body) => {
    server.answer({ status: 200, body: typeof body === "string" ? JSON.stringify(body) : body })
    await expect(client.getInvoiceStatus(UUID)).resolves.toEqual(expect.objectContaining({ status: undefined }))
    expect(invoiceStatusResponseSchema.parse(body).status).toBeUndefined()
  })

  it("reads a documented status when one is there", async () => {
    server.answer({ status: 200, body: { status: "awaiting_payment" } })
    await expect(client.getInvoiceStatus(UUID)).resolves.toEqual(expect.objectContaining({ status: "awaiting_payment" }))
  })
})
