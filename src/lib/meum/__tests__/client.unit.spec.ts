import { inspect } from "node:util"
import { MeumClient, type MeumClientOptions } from "../client"
import { closedPort, startScriptedServer, type ScriptedServer } from "./helpers/scripted-server"
import { meumErrorOf } from "./helpers/expect-meum-error"

const API_KEY = "sk_live_client_test_9f8e7d6c5b4a"

const invoice = (overrides: Record<string, unknown> = {}) => ({
  id: "inv_cb1e73f508a2abf4ea639f100de14cef",
  status: "awaiting_payment",
  amount: "41.00",
  currency: "USD",
  checkout_url: "https://pay.meum.io/inv_cb1e73f508a2abf4ea639f100de14cef",
  expires_at: "2099-12-31T23:59:59.999Z",
  metadata: { medusa_session_id: "payses_1" },
  ...overrides,
})

let server: ScriptedServer
let sleeps: number[]
let clients: MeumClient[]

const client = (options: Partial<MeumClientOptions> = {}) => {
  const created = new MeumClient({
    apiKey: API_KEY,
    baseUrl: server.url,
    timeoutMs: 2000,
    retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000, maxTotalMs: 60_000 },
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    ...options,
  })
  clients.push(created)
  return created
}

beforeEach(async () => {
  server = await startScriptedServer()
  sleeps = []
  clients = []
})
afterEach(async () => {
  clients.forEach((c) => c.close())
  await server.close()
})

describe("MeumClient requests and parsing", () => {
  it("creates an invoice with a Bearer key and JSON body, keeping unknown fields", async () => {
    server.answer({ status: 201, body: invoice({ order_amount: "41.00", future_field: { x: 1 } }) })
    const created = await client().createInvoice({ amount: "41.00", currency: "USD", external_order_id: "cart_1", metadata: { a: 1 } })
    expect(created.id).toBe("inv_cb1e73f508a2abf4ea639f100de14cef")
    expect((created as Record<string, unknown>).future_field).toEqual({ x: 1 })
    const [request] = server.requests
    expect(request.method).toBe("POST")
    expect(request.url).toBe("/v1/invoices")
    expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`)
    expect(JSON.parse(request.body)).toEqual({ amount: "41.00", currency: "USD", external_order_id: "cart_1", metadata: { a: 1 } })
  })

  it("gets an invoice, its status and cancels it, URL-encoding the id", async () => {
    server.answer(
      { status: 200, body: invoice() },
      { status: 200, body: { status: "quoted", swap_status: null, tx_hash: null, deposit_address: "0xabc" } },
      { status: 200, body: invoice({ status: "cancelled" }) }
    )
    const c = client()
    expect((await c.getInvoice("inv_a/b")).status).toBe("awaiting_payment")
    expect((await c.getInvoiceStatus("inv_1")).status).toBe("quoted")
    expect((await c.cancelInvoice("inv_1")).status).toBe("cancelled")
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      "GET /v1/invoices/inv_a%2Fb",
      "GET /v1/invoices/inv_1/status",
      "POST /v1/invoices/inv_1/cancel",
    ])
  })

  it("lists with exact query parameters and iterates every page through next_cursor", async () => {
    server.answer(
      { status: 200, body: { data: [invoice({ id: "inv_3" }), invoice({ id: "inv_2" })], has_more: true, next_cursor: "inv_2" } },
      { status: 200, body: { data: [invoice({ id: "inv_1" })], has_more: false, next_cursor: null } }
    )
    const ids: string[] = []
    for await (const item of client().iterateInvoices({ external_order_id: "cart_1", status: "awaiting_payment", limit: 2 })) {
      ids.push(item.id)
    }
    expect(ids).toEqual(["inv_3", "inv_2", "inv_1"])
    const sent = server.requests.map((r) => {
      const url = new URL(r.url, "http://x")
      return { path: url.pathname, query: Object.fromEntries(url.searchParams) }
    })
    const filters = { limit: "2", status: "awaiting_payment", external_order_id: "cart_1" }
    expect(sent).toEqual([
      { path: "/v1/invoices", query: filters },
      { path: "/v1/invoices", query: { ...filters, starting_after: "inv_2" } },
    ])
  })

  it("answers health", async () => {
    server.answer({ status: 200, body: { status: "ok", version: "1.2.3" } })
    expect(await client().health()).toEqual({ status: "ok", version: "1.2.3" })
    expect(server.requests.map((r) => [r.method, r.url, r.headers.authorization])).toEqual([["GET", "/health", `Bearer ${API_KEY}`]])
  })

  it("turns a 2xx body that is not JSON into a final invalid_response error, without retrying", async () => {
    server.answer({ status: 200, body: "<html>maintenance</html>", headers: { "Content-Type": "text/html" } })
    const error = await meumErrorOf(client().getInvoice("inv_1"))
    expect(error).toEqual(expect.objectContaining({ kind: "final", code: "invalid_response", attempts: 1 }))
    expect(server.requests).toHaveLength(1)
  })

  it("turns a body that does not match the schema into a final invalid_response error", async () => {
    server.answer({ status: 200, body: { id: "inv_1", status: "paid" } })
    const error = await meumErrorOf(client().getInvoice("inv_1"))
    expect(error).toEqual(expect.objectContaining({ kind: "final", code: "invalid_response", status: 200 }))
    expect(error.message).toContain("amount")
  })

  it("validates create input before sending anything", async () => {
    const error = await meumErrorOf(client().createInvoice({ amount: "-1", currency: "usd" }))
    expect(error).toEqual(expect.objectContaining({ kind: "final", code: "invalid_input", attempts: 0 }))
    expect(server.requests).toHaveLength(0)
  })

  it("reuses one keep-alive connection for sequential calls", async () => {
    server.answer({ status: 200, body: invoice() })
    const c = client()
    await c.getInvoice("inv_1")
    await c.getInvoice("inv_1")
    await c.getInvoice("inv_1")
    expect(server.connections()).toBe(1)
  })
})

describe("MeumClient errors", () => {
  it.each([
    [401, { error: { type: "authentication_error", code: "invalid_api_key", message: "Missing or invalid API key" } }, "final", "invalid_api_key"],
    [403, { error: { type: "permission_error", code: "INSUFFICIENT_SCOPE", message: "Missing invoices:read scope" } }, "final", "INSUFFICIENT_SCOPE"],
    [404, { error: { type: "invalid_request_error", code: "resource_missing", message: "Invoice not found" } }, "final", "resource_missing"],
    [409, { error: "Conflict" }, "final", undefined],
  ])("surfaces HTTP %i as a %s error with its code, after one attempt", async (status, body, kind, code) => {
    server.answer({ status, body })
    const error = await meumErrorOf(client().getInvoice("inv_1"))
    expect(error).toEqual(expect.objectContaining({ status, kind, code, attempts: 1, method: "GET", path: "/v1/invoices/inv_1" }))
    expect(server.requests).toHaveLength(1)
  })

  it("surfaces the legacy 409 and 429 messages", async () => {
    server.answer({ status: 409, body: { error: "Invoice already paid" } })
    const conflict = await meumErrorOf(client().cancelInvoice("inv_1"))
    expect(conflict).toEqual(expect.objectContaining({ status: 409, kind: "final", attempts: 1, isRateLimited: false }))
    expect(conflict.message).toContain("Invoice already paid")

    server.answer({ status: 429, body: { error: "Too many requests" } })
    const limited = await meumErrorOf(client().getInvoice("inv_1"))
    expect(limited).toEqual(expect.objectContaining({ status: 429, kind: "retryable", attempts: 3, isRateLimited: true }))
    expect(limited.message).toContain("Too many requests")
    expect(limited.code).toBeUndefined()
  })

  it("surfaces a 5xx on GET as retryable once attempts are spent, and a 4xx as final after one", async () => {
    server.answer({ status: 500, body: { error: { type: "api_error", code: "internal", message: "boom" } } })
    const error = await meumErrorOf(client().getInvoiceStatus("inv_1"))
    expect(error).toEqual(expect.objectContaining({ status: 500, kind: "retryable", code: "internal", type: "api_error", attempts: 3 }))
    expect(error.message).toContain("boom")
    expect(server.requests).toHaveLength(3)
  })

  it("retries GET on connection refused up to maxAttempts", async () => {
    const c = client({ baseUrl: `http://127.0.0.1:${await closedPort()}` })
    const error = await meumErrorOf(c.getInvoice("inv_1"))
    expect(error).toEqual(expect.objectContaining({ kind: "retryable", code: "ECONNREFUSED", attempts: 3 }))
    expect(sleeps).toHaveLength(2)
  })

  it("does not retry a create that was rejected with a 4xx", async () => {
    server.answer({ status: 400, body: { error: { type: "invalid_request_error", code: "amount_too_small", message: "min 1.00" } } })
    const error = await meumErrorOf(client().createInvoice({ amount: "0.10", currency: "USD" }))
    expect(error).toEqual(expect.objectContaining({ kind: "final", status: 400, code: "amount_too_small", attempts: 1 }))
    expect(server.requests).toHaveLength(1)
  })

  it("reads the legacy 429 body and retries GET until it succeeds", async () => {
    server.answer({ status: 429, body: { error: "Too many requests" } }, { status: 200, body: invoice() })
    expect((await client().getInvoice("inv_1")).id).toBe("inv_cb1e73f508a2abf4ea639f100de14cef")
    expect(server.requests).toHaveLength(2)
  })

  it("retries GET on 503 up to maxAttempts with growing jittered delays", async () => {
    server.answer({ status: 503, body: { error: { code: "unavailable", message: "down" } } })
    const error = await meumErrorOf(client().getInvoice("inv_1"))
    expect(error).toEqual(expect.objectContaining({ status: 503, kind: "retryable", attempts: 3 }))
    expect(server.requests).toHaveLength(3)
    expect(sleeps).toEqual([50, 100]) // full jitter (random 0.5) over 100, 200
  })

  it("retries cancel on 502", async () => {
    server.answer({ status: 502, body: "" }, { status: 200, body: invoice({ status: "cancelled" }) })
    expect((await client().cancelInvoice("inv_1")).status).toBe("cancelled")
    expect(server.requests).toHaveLength(2)
  })

  it("never re-sends a create after a 5xx: it is ambiguous", async () => {
    server.answer({ status: 503, body: { error: "busy" } })
    const error = await meumErrorOf(client().createInvoice({ amount: "1.00", currency: "USD" }))
    expect(error).toEqual(expect.objectContaining({ kind: "ambiguous", status: 503, attempts: 1 }))
    expect(server.requests).toHaveLength(1)
  })

  it("never re-sends a create after a timeout: it is ambiguous", async () => {
    server.answer("hang")
    const error = await meumErrorOf(client({ timeoutMs: 200 }).createInvoice({ amount: "1.00", currency: "USD" }))
    expect(error).toEqual(expect.objectContaining({ kind: "ambiguous", code: "timeout", attempts: 1 }))
    expect(server.requests).toHaveLength(1)
  })

  it("never retries a create's 429 inside the shopper's request: one POST, the 429 reported at once (issue 18)", async () => {
    server.answer({ status: 429, body: { error: "Too many requests" }, headers: { "Retry-After": "1" } }, { status: 201, body: invoice() })
    const error = await meumErrorOf(client().createInvoice({ amount: "41.00", currency: "USD" }))
    expect(error).toEqual(expect.objectContaining({ status: 429, isRateLimited: true, attempts: 1 }))
    expect(server.requests.filter((r) => r.method === "POST")).toHaveLength(1)
    expect(sleeps).toEqual([])
  })

  it("retries a create on connection refused, then reports it as retryable", async () => {
    const c = client({ baseUrl: `http://127.0.0.1:${await closedPort()}` })
    const error = await meumErrorOf(c.createInvoice({ amount: "1.00", currency: "USD" }))
    expect(error).toEqual(expect.objectContaining({ kind: "retryable", code: "ECONNREFUSED", attempts: 3, status: undefined }))
    expect(sleeps).toHaveLength(2)
  })

  it("honours Retry-After in seconds", async () => {
    server.answer({ status: 429, body: { error: "Too many requests" }, headers: { "Retry-After": "2" } }, { status: 200, body: invoice() })
    await client().getInvoice("inv_1")
    expect(sleeps).toEqual([2000])
  })

  it("honours Retry-After as an HTTP date, against the injected clock", async () => {
    const now = Date.parse("2030-01-01T00:00:00Z")
    server.answer(
      { status: 503, body: "", headers: { "Retry-After": new Date(now + 3000).toUTCString() } },
      { status: 200, body: invoice() }
    )
    await client({ now: () => now }).getInvoice("inv_1")
    expect(sleeps).toEqual([3000])
  })


  it("stops retrying when the next delay would exceed the total time budget", async () => {
    server.answer({ status: 429, body: { error: "Too many requests" }, headers: { "Retry-After": "30" } })
    const error = await meumErrorOf(client({ retry: { maxAttempts: 5, maxTotalMs: 10_000 } }).getInvoice("inv_1"))
    expect(error.attempts).toBe(1)
    expect(sleeps).toEqual([])
  })
})

describe("the API key never leaks", () => {
  const failures: Array<[string, () => Promise<unknown>]> = [
    ["HTTP error echoing the Authorization header", async () => {
      server.answer((req) => ({ status: 400, body: { error: { code: "bad", message: `you sent ${req.headers.authorization}` } } }))
      return client().getInvoice("inv_1")
    }],
    ["structured body echoing the key in every field", async () => {
      server.answer({ status: 401, body: { error: { type: `t ${API_KEY}`, code: API_KEY, message: `m ${API_KEY}` } } })
      return client().getInvoice("inv_1")
    }],
    ["legacy body echoing the key", async () => {
      server.answer({ status: 403, body: { error: `key ${API_KEY} lacks scope` } })
      return client().getInvoice("inv_1")
    }],
    ["timeout", async () => {
      server.answer("hang")
      return client({ timeoutMs: 100, retry: { maxAttempts: 1 } }).getInvoice("inv_1")
    }],
    ["create timeout", async () => {
      server.answer("hang")
      return client({ timeoutMs: 100 }).createInvoice({ amount: "1.00", currency: "USD" })
    }],
    ["5xx echoing the Authorization header on create", async () => {
      server.answer((req) => ({ status: 500, body: { error: `upstream saw ${req.headers.authorization}` } }))
      return client().createInvoice({ amount: "1.00", currency: "USD" })
    }],
    ["connection refused", async () => client({ baseUrl: `http://127.0.0.1:${await closedPort()}`, retry: { maxAttempts: 1 } }).getInvoice("inv_1")],
    ["invalid response", async () => {
      server.answer({ status: 200, body: { nope: API_KEY } })
      return client().getInvoice("inv_1")
    }],
  ]

  it.each(failures)("%s", async (_name, run) => {
    const error = await meumErrorOf(run())
    for (const text of [error.message, String(error.stack), JSON.stringify(error), inspect(error, { depth: 10 }), inspect(error, { showHidden: true, depth: 10 })]) {
      expect(text).not.toContain(API_KEY)
    }
    expect((error as unknown as { cause?: unknown }).cause).toBeUndefined()
  })
})
