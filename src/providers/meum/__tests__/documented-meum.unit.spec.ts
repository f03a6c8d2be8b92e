/**
 * The provider against a Meum that answers exactly as its documentation allows (scripted over
 * real HTTP): nullable fields, UUID ids, dedupe in any status, 409 on create, a status endpoint
 * without a schema, statuses the docs do not list, an undocumented paid_amount unit, USD only.
 */
import { inspect } from "node:util"
import { signCartReference } from "../../../lib/cart-reference"
import { startScriptedServer, type RecordedRequest, type ScriptedServer } from "../../../lib/meum/__tests__/helpers/scripted-server"
import { MeumPaymentProviderService } from "../service"

const KEY = "sk_live_documented_meum_77"
const UUID = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
const OTHER_UUID = "0f0e0d0c-0b0a-4908-8706-050403020100"

let server: ScriptedServer
let logs: string[]

const logger = () => {
  const record = (level: string) => (message: unknown) => void logs.push(`${level} ${typeof message === "string" ? message : inspect(message)}`)
  return { info: record("info"), warn: record("warn"), error: record("error"), debug: record("debug"), log: record("log") }
}
const provider = (options: Record<string, unknown> = {}) =>
  new MeumPaymentProviderService(
    { logger: logger() },
    { apiKey: KEY, webhookSecret: "whsec_documented", apiBaseUrl: server.url, timeoutMs: 2000, retry: { maxAttempts: 1 }, ...options }
  )

const invoice = (overrides: Record<string, unknown> = {}) => ({
  id: UUID,
  external_order_id: "cart_1",
  status: "awaiting_payment",
  amount: "41.00",
  currency: "USD",
  order_amount: "41.00",
  order_currency: "USD",
  paid_amount: null,
  output_asset: "nep141:sol-c800a4bd850783ccb82c2b2c7e84175443606352.omft.near",
  checkout_url: `https://pay.meum.io/${UUID}`,
  return_url: null,
  customer_id: null,
  payment_link_id: null,
  transaction_hash: null,
  metadata: { medusa_session_id: "payses_1", medusa_cart_id: "cart_1", medusa_amount: "41.00", medusa_currency: "USD" },
  created_at: "2026-11-24T10:00:00Z",
  updated_at: "2026-11-24T10:00:00Z",
  paid_at: null,
  expires_at: "2099-12-31T23:59:59.999Z",
  ...overrides,
})
const paid = (overrides: Record<string, unknown> = {}) =>
  invoice({ status: "paid", checkout_url: null, paid_amount: "41.00", transaction_hash: "0xabc", paid_at: "2026-11-24T10:05:00Z", ...overrides })

const sessionData = { invoice_id: UUID, session_id: "payses_1", amount: "41.00", currency: "USD", external_order_id: "cart_1", cart_id: "cart_1" }
const initiate = (p: MeumPaymentProviderService, currency = "usd") =>
  p.initiatePayment({
    amount: 41 as any,
    currency_code: currency,
    data: { session_id: "payses_1", meum_cart_ref: signCartReference({ kind: "cart", id: "cart_1", paymentCollectionId: "pay_col_1" }, KEY) },
    context: { idempotency_key: "payses_1" },
  })
const createdWith = (requests: RecordedRequest[]) =>
  requests.filter((r) => r.method === "POST" && r.url === "/v1/invoices").map((r) => JSON.parse(r.body).external_order_id)

beforeEach(async () => {
  server = await startScriptedServer()
  logs = []
})
afterEach(async () => {
  await server.close()
})

describe("authorize decides from the invoice record (point 4; issue 18 point 7)", () => {
  // Route-aware: /status (no published schema) and the invoice disagree.
  const disagreeing = (statusBody: unknown) => (req: RecordedRequest) =>
    req.url.endsWith("/status") ? { status: 200, body: statusBody } : { status: 200, body: paid() }

  it("answers captured when /status says awaiting_payment but the invoice says paid", async () => {
    server.answer(disagreeing({ status: "awaiting_payment" }))
    const result = await provider().authorizePayment({ data: sessionData })
    expect(result.status).toBe("captured")
    expect(result.data).toEqual(expect.objectContaining({ status: "paid" }))
  })

  it("never asks the status endpoint: the invoice decides whatever /status would say", async () => {
    for (const statusBody of [{ swap_status: null, tx_hash: null }, { status: "quoted" }]) {
      server.answer(disagreeing(statusBody))
      expect((await provider().authorizePayment({ data: sessionData })).status).toBe("captured")
    }
    expect(server.requests.map((r) => r.url)).toEqual([`/v1/invoices/${UUID}`, `/v1/invoices/${UUID}`])
  })
})

describe("nullable fields and paid_amount (points 1 and 7)", () => {
  it.each([
    ["null", null],
    ["not a decimal (output-asset units)", "41.000000 USDC"],
    ["higher", "41.37"],
  ])("captures a paid invoice whose paid_amount is %s, and checkout_url null", async (_label, paidAmount) => {
    server.answer({ status: 200, body: paid({ paid_amount: paidAmount }) })
    const result = await provider().authorizePayment({ data: sessionData })
    expect(result.status).toBe("captured")
    expect(result.data).toEqual(expect.objectContaining({ status: "paid", checkout_url: null }))
  })

  it("holds a paid invoice whose comparable paid_amount is lower, for the merchant", async () => {
    server.answer({ status: 200, body: paid({ paid_amount: "40.00" }) })
    const result = await provider().authorizePayment({ data: sessionData })
    expect(result.status).toBe("error")
    expect(result.data).toEqual(expect.objectContaining({ meum_flag: "amount_mismatch" }))
  })

  it("never captures a paid invoice that is not the one asked for (amount), even with order_amount elsewhere", async () => {
    server.answer({ status: 200, body: paid({ amount: "30.00", order_amount: "30.00", paid_amount: "30.00" }) })
    expect((await provider().authorizePayment({ data: sessionData })).status).toBe("error")
  })

  it("matches a converted invoice by order_amount/order_currency", async () => {
    server.answer({ status: 200, body: paid({ amount: "44.10", currency: "USDC", order_amount: "41.00", order_currency: "USD", paid_amount: null }) })
    expect((await provider().authorizePayment({ data: sessionData })).status).toBe("captured")
  })
})

describe("statuses the docs do not list (point 5)", () => {
  it("changes nothing (pending), logs the invoice id once, and shows Meum's word in the data", async () => {
    server.answer({ status: 200, body: invoice({ status: "refund_pending", checkout_url: null }) })
    const p = provider()
    const first = await p.authorizePayment({ data: sessionData })
    expect(first.status).toBe("pending")
    expect(first.data).toEqual(expect.objectContaining({ status: "unknown", reported_status: "refund_pending" }))
    await p.authorizePayment({ data: sessionData })
    expect(logs.filter((line) => line.includes(UUID) && line.includes("refund_pending"))).toHaveLength(1)
  })
})

describe("creation as documented (points 2, 3, 6, 8)", () => {
  it("gets a payable UUID invoice when Meum hands back the cart's cancelled invoice (dedupe in any status)", async () => {
    const cancelledOfOldSession = invoice({ status: "cancelled", checkout_url: null, metadata: { medusa_session_id: "payses_0" } })
    const fresh = invoice({ id: OTHER_UUID, external_order_id: "cart_1:payses_1", checkout_url: `https://pay.meum.io/${OTHER_UUID}` })
    server.answer(
      (req) => (req.method === "POST" && JSON.parse(req.body).external_order_id === "cart_1" ? { status: 200, body: cancelledOfOldSession } : { status: 201, body: fresh })
    )
    const result = await initiate(provider())
    expect(createdWith(server.requests)).toEqual(["cart_1", "cart_1:payses_1"])
    expect(result.data).toEqual(
      expect.objectContaining({ invoice_id: OTHER_UUID, external_order_id: "cart_1:payses_1", checkout_url: `https://pay.meum.io/${OTHER_UUID}` })
    )
    // The cancelled invoice was not cancelled again (nothing to cancel).
    expect(server.requests.filter((r) => r.url.endsWith("/cancel"))).toEqual([])
  })

  it("recovers a 409 on create by lookup, and uses the invoice when it is this session's", async () => {
    server.answer(
      (req) =>
        req.method === "POST"
          ? { status: 409, body: { error: { type: "invalid_request_error", code: "conflict", message: "Conflict" } } }
          : { status: 200, body: { data: [invoice()], has_more: false, next_cursor: null } }
    )
    const result = await initiate(provider())
    expect(result.data).toEqual(expect.objectContaining({ invoice_id: UUID, external_order_id: "cart_1" }))
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(["POST /v1/invoices", "GET /v1/invoices?limit=100&external_order_id=cart_1"])
  })

  it("after a 409 for another session's invoice, moves on to the derived external_order_id", async () => {
    const other = invoice({ status: "expired", checkout_url: null, metadata: { medusa_session_id: "payses_0" } })
    const fresh = invoice({ id: OTHER_UUID, external_order_id: "cart_1:payses_1" })
    server.answer((req) => {
      if (req.method === "GET") return { status: 200, body: { data: [other], has_more: false, next_cursor: null } }
      return JSON.parse(req.body).external_order_id === "cart_1" ? { status: 409, body: { error: "Conflict" } } : { status: 201, body: fresh }
    })
    const result = await initiate(provider())
    expect(result.data).toEqual(expect.objectContaining({ invoice_id: OTHER_UUID, external_order_id: "cart_1:payses_1" }))
  })

  /** The developers landing page's create answer: nine fields, no metadata, no external_order_id. */
  const landing = (id: string, overrides: Record<string, unknown> = {}) => ({
    id,
    invoiceId: id,
    status: "awaiting_payment",
    checkout_url: `https://pay.meum.io/${id}`,
    payment_url: `https://pay.meum.io/${id}`,
    amount: "41.00",
    currency: "USD",
    output_asset: "nep141:sol-c800a4bd850783ccb82c2b2c7e84175443606352.omft.near",
    expires_at: "2099-12-31T23:59:59.999Z",
    ...overrides,
  })
  const calls = () => server.requests.map((r) => `${r.method} ${r.url}${r.method === "POST" && r.url === "/v1/invoices" ? ` ${JSON.parse(r.body).external_order_id}` : ""}`)

  it("uses the create answer as it stands for an external_order_id only this session can have sent (no read-back)", async () => {
    const otherSessions = invoice({ status: "cancelled", checkout_url: null, metadata: { medusa_session_id: "payses_0" } })
    server.answer((req) => (JSON.parse(req.body).external_order_id === "cart_1" ? { status: 200, body: otherSessions } : { status: 201, body: landing(OTHER_UUID) }))
    const result = await initiate(provider())
    expect(calls()).toEqual(["POST /v1/invoices cart_1", "POST /v1/invoices cart_1:payses_1"])
    expect(result.data).toEqual(expect.objectContaining({ invoice_id: OTHER_UUID, external_order_id: "cart_1:payses_1", status: "awaiting_payment" }))
  })

  it("uses a metadata-less create answer for the session id itself (no cart resolved) without reading it back", async () => {
    server.answer({ status: 201, body: landing(OTHER_UUID) })
    const result = await provider().initiatePayment({ amount: 41 as any, currency_code: "usd", data: { session_id: "payses_1" }, context: { idempotency_key: "payses_1" } })
    expect(calls()).toEqual(["POST /v1/invoices payses_1"])
    expect(result.id).toBe(OTHER_UUID)
  })

  it("reads back a metadata-less answer for the cart's plain external_order_id: another session's open invoice is cancelled, never used", async () => {
    const otherSessions = invoice({ metadata: { medusa_session_id: "payses_0", medusa_amount: "41.00", medusa_currency: "USD" } })
    server.answer((req) => {
      if (req.method === "GET") return { status: 200, body: otherSessions }
      if (req.url.endsWith("/cancel")) return { status: 200, body: { ...otherSessions, status: "cancelled", checkout_url: null } }
      return JSON.parse(req.body).external_order_id === "cart_1" ? { status: 200, body: landing(UUID) } : { status: 201, body: landing(OTHER_UUID) }
    })
    const result = await initiate(provider())
    expect(calls()).toEqual(["POST /v1/invoices cart_1", `GET /v1/invoices/${UUID}`, `POST /v1/invoices/${UUID}/cancel`, "POST /v1/invoices cart_1:payses_1"])
    expect(result.id).toBe(OTHER_UUID)
  })

  it("reads back a metadata-less answer for this session's own external_order_id that is not as asked, and cancels it when open", async () => {
    const ownEarlier = invoice({ external_order_id: "cart_1:payses_1", amount: "30.00", order_amount: "30.00", metadata: { medusa_session_id: "payses_1", medusa_amount: "30.00", medusa_currency: "USD" } })
    server.answer((req) => {
      if (req.method === "GET") return { status: 200, body: ownEarlier }
      if (req.url.endsWith("/cancel")) return { status: 200, body: { ...ownEarlier, status: "cancelled", checkout_url: null } }
      const eoid = JSON.parse(req.body).external_order_id
      if (eoid === "cart_1") return { status: 200, body: invoice({ status: "expired", checkout_url: null, metadata: { medusa_session_id: "payses_0" } }) }
      return eoid === "cart_1:payses_1" ? { status: 200, body: landing(UUID, { amount: "30.00" }) } : { status: 201, body: landing(OTHER_UUID) }
    })
    const result = await initiate(provider())
    expect(calls()).toEqual([
      "POST /v1/invoices cart_1",
      "POST /v1/invoices cart_1:payses_1",
      `GET /v1/invoices/${UUID}`,
      `POST /v1/invoices/${UUID}/cancel`,
      "POST /v1/invoices cart_1:payses_1:2",
    ])
    expect(result.id).toBe(OTHER_UUID)
  })

  it("refuses a non-USD cart with a message the shopper can act on, before any request to Meum", async () => {
    await expect(initiate(provider(), "eur")).rejects.toMatchObject({
      type: "invalid_data",
      message: expect.stringContaining("USD prices only"),
    })
    expect(server.requests).toEqual([])
  })
})

describe("checkout_url is a link only when https (issue 18 point 6)", () => {
  it.each([`http://pay.meum.example/${UUID}`, `javascript:alert(1)`, `ftp://pay.meum.io/${UUID}`])(
    "refuses %s with the shopper's 'unavailable' message and tells the operator",
    async (checkoutUrl) => {
      server.answer({ status: 201, body: invoice({ checkout_url: checkoutUrl }) })
      await expect(initiate(provider())).rejects.toMatchObject({ type: "not_allowed", message: expect.stringContaining("not available right now") })
      expect(logs).toContainEqual(expect.stringMatching(/^error .*checkout_url that is not https/))
    }
  )

  it("accepts https, and http on this machine (the local sandbox)", async () => {
    for (const checkoutUrl of [`https://pay.meum.io/${UUID}`, `http://127.0.0.1:9100/checkout/${UUID}`, `http://localhost:9100/checkout/${UUID}`]) {
      server.answer({ status: 201, body: invoice({ checkout_url: checkoutUrl }) })
      expect((await initiate(provider())).data).toEqual(expect.objectContaining({ checkout_url: checkoutUrl }))
    }
  })
})
