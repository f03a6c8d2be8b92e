/**
 * The sandbox's behaviour switches over real HTTP: each default (the least convenient behaviour
 * the published docs allow) and each alternative, set as a start option, on `sandbox.settings`
 * and through the control API.
 */
import http from "node:http"
import type { AddressInfo } from "node:net"
import { startMeumSandbox, type MeumSandbox, type MeumSandboxOptions } from ".."

const KEY = "sk_live_switches_0123456789"
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const INV_ID = /^inv_[0-9a-f]{32}$/
const LANDING_ASSET = "nep141:sol-c800a4bd850783ccb82c2b2c7e84175443606352.omft.near"
/** The developers landing page's create response, exactly. */
const LANDING_KEYS = ["amount", "checkout_url", "currency", "expires_at", "id", "invoiceId", "output_asset", "payment_url", "status"]
/** The API reference's invoice object (cancel-invoice page), exactly. */
const INVOICE_KEYS = [
  "amount",
  "checkout_url",
  "created_at",
  "currency",
  "customer_id",
  "expires_at",
  "external_order_id",
  "id",
  "metadata",
  "order_amount",
  "order_currency",
  "output_asset",
  "paid_amount",
  "paid_at",
  "payment_link_id",
  "return_url",
  "status",
  "transaction_hash",
  "updated_at",
]
const STATUS_KEYS = ["deposit_address", "deposit_memo", "swap_status", "tx_hash"]

const started: MeumSandbox[] = []

async function start(options: Partial<MeumSandboxOptions> = {}): Promise<MeumSandbox> {
  const sandbox = await startMeumSandbox({ webhookSecret: "whsec_switches", apiKeys: [KEY], ...options })
  started.push(sandbox)
  return sandbox
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((sandbox) => sandbox.stop()))
})

interface Answer {
  status: number
  body: any
  headers: Headers
}

async function call(sandbox: MeumSandbox, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: {
      ...(path.startsWith("/v1") ? { Authorization: `Bearer ${KEY}` } : {}),
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers }
}

const create = (sandbox: MeumSandbox, body: Record<string, unknown> = {}) =>
  call(sandbox, "POST", "/v1/invoices", { amount: "41.00", currency: "USD", ...body })
const get = (sandbox: MeumSandbox, id: string) => call(sandbox, "GET", `/v1/invoices/${id}`)
const list = (sandbox: MeumSandbox, query = "") => call(sandbox, "GET", `/v1/invoices${query}`)
const cancel = (sandbox: MeumSandbox, id: string) => call(sandbox, "POST", `/v1/invoices/${id}/cancel`)
const statusOf = (sandbox: MeumSandbox, id: string) => call(sandbox, "GET", `/v1/invoices/${id}/status`)
const keys = (value: object) => Object.keys(value).sort()

describe("defaults", () => {
  it("are the least convenient documented behaviours", async () => {
    const sandbox = await start()
    expect(sandbox.settings.toJSON()).toEqual({
      idStyle: "uuid",
      dedupe: "any",
      closedCheckoutUrl: "null",
      statusBody: "minimal",
      createResponse: "landing",
      outputAsset: LANDING_ASSET,
      payoutWalletConfigured: true,
    })
    expect(sandbox.settings.dedupeByExternalOrderId).toBe(true)
    expect((await call(sandbox, "GET", "/sandbox/settings")).body).toEqual(sandbox.settings.toJSON())
  })
})

describe("idStyle", () => {
  it("defaults to lowercase v4 UUIDs; the checkout URL, get and the hosted page use them", async () => {
    const sandbox = await start()
    const { status, body } = await create(sandbox)
    expect(status).toBe(201)
    expect(body.id).toMatch(UUID_V4)
    expect(body.checkout_url).toBe(`${sandbox.url}/pay/${body.id}`)
    expect((await get(sandbox, body.id)).body.id).toBe(body.id)
    const page = await fetch(body.checkout_url)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain(body.id)
    expect(sandbox.getInvoice(body.id)?.id).toBe(body.id)
  })

  it('"inv" gives inv_ + 32 hex, as a start option and at run time', async () => {
    const sandbox = await start({ idStyle: "inv" })
    const first = (await create(sandbox)).body
    expect(first.id).toMatch(INV_ID)
    expect(first.checkout_url).toBe(`${sandbox.url}/pay/${first.id}`)
    sandbox.settings.idStyle = "uuid"
    expect((await create(sandbox)).body.id).toMatch(UUID_V4)
    sandbox.settings.idStyle = "inv"
    expect((await create(sandbox)).body.id).toMatch(INV_ID)
  })

  it("list cursors accept the sandbox's ids in both styles and still reject garbage", async () => {
    const sandbox = await start({ rateLimit: { max: 1000, windowMs: 60_000 } })
    const ids: string[] = []
    for (const style of ["uuid", "inv", "uuid", "inv"] as const) {
      sandbox.settings.idStyle = style
      ids.push((await create(sandbox)).body.id)
    }
    const newestFirst = [...ids].reverse()
    const walked: string[] = []
    let cursor: string | null = null
    do {
      const page: Answer = await list(sandbox, `?limit=1${cursor ? `&starting_after=${cursor}` : ""}`)
      expect(page.status).toBe(200)
      walked.push(...page.body.data.map((invoice: { id: string }) => invoice.id))
      cursor = page.body.next_cursor
    } while (cursor)
    expect(walked).toEqual(newestFirst)

    for (const id of ids) {
      expect((await list(sandbox, `?limit=1&ending_before=${id}`)).status).toBe(200)
    }
    const back = await list(sandbox, `?limit=2&ending_before=${newestFirst[3]}`)
    expect(back.body.data.map((invoice: { id: string }) => invoice.id)).toEqual(newestFirst.slice(1, 3))

    for (const garbage of ["abc", "inv_!!", "inv_short", "not-a-uuid-at-all-0000-000000000000", "x".repeat(40)]) {
      const page = await list(sandbox, `?starting_after=${encodeURIComponent(garbage)}`)
      expect(page.status).toBe(400)
      expect(page.body.error).toEqual(expect.objectContaining({ type: "invalid_request_error", code: "validation_error" }))
      expect((await list(sandbox, `?ending_before=${encodeURIComponent(garbage)}`)).status).toBe(400)
    }
  })
})

describe("dedupe", () => {
  it('defaults to "any": the newest invoice with the external_order_id, in any status, 200, nothing created', async () => {
    const sandbox = await start()
    const open = await create(sandbox, { external_order_id: "order_open" })
    expect(open.status).toBe(201)
    const again = await create(sandbox, { amount: "99.00", external_order_id: "order_open" })
    expect(again.status).toBe(200)
    expect(again.body).toEqual(expect.objectContaining({ id: open.body.id, status: "awaiting_payment", amount: "41.00" }))

    const closers: Array<[string, (id: string) => Promise<unknown>]> = [
      ["cancelled", (id) => cancel(sandbox, id)],
      ["paid", (id) => sandbox.simulate(id, "paid")],
      ["expired", (id) => sandbox.simulate(id, "expired")],
      ["underpaid", (id) => sandbox.simulate(id, "underpaid")],
      ["failed", (id) => sandbox.simulate(id, "failed")],
    ]
    for (const [status, close] of closers) {
      const externalOrderId = `order_${status}`
      const first = (await create(sandbox, { external_order_id: externalOrderId })).body
      await close(first.id)
      const answer = await create(sandbox, { external_order_id: externalOrderId })
      expect(answer.status).toBe(200)
      expect(answer.body).toEqual(expect.objectContaining({ id: first.id, status, checkout_url: null }))
    }
    expect(sandbox.listInvoices()).toHaveLength(6)
  })

  it('"any" returns the newest of several invoices with the same external_order_id', async () => {
    const sandbox = await start({ dedupe: "off" })
    await create(sandbox, { external_order_id: "order_many" })
    const newest = (await create(sandbox, { external_order_id: "order_many" })).body
    await cancel(sandbox, newest.id)
    sandbox.settings.dedupe = "any"
    const answer = await create(sandbox, { external_order_id: "order_many" })
    expect(answer.status).toBe(200)
    expect(answer.body).toEqual(expect.objectContaining({ id: newest.id, status: "cancelled" }))
  })

  it('"open" returns only an open invoice (200); a closed one leads to a new invoice (201)', async () => {
    const sandbox = await start({ dedupe: "open" })
    const first = (await create(sandbox, { external_order_id: "order_1" })).body
    const again = await create(sandbox, { external_order_id: "order_1" })
    expect(again.status).toBe(200)
    expect(again.body.id).toBe(first.id)
    await cancel(sandbox, first.id)
    const fresh = await create(sandbox, { external_order_id: "order_1" })
    expect(fresh.status).toBe(201)
    expect(fresh.body.id).not.toBe(first.id)
    await sandbox.simulate(fresh.body.id, "paid")
    expect((await create(sandbox, { external_order_id: "order_1" })).status).toBe(201)
  })

  it('"off" always creates', async () => {
    const sandbox = await start({ dedupe: "off" })
    const one = await create(sandbox, { external_order_id: "order_1" })
    const two = await create(sandbox, { external_order_id: "order_1" })
    expect([one.status, two.status]).toEqual([201, 201])
    expect(two.body.id).not.toBe(one.body.id)
  })

  it('"conflict" answers 409 duplicate_external_order_id while any invoice has it, whatever its status', async () => {
    const sandbox = await start({ dedupe: "conflict" })
    const first = await create(sandbox, { external_order_id: "order_1" })
    expect(first.status).toBe(201)
    const again = await create(sandbox, { external_order_id: "order_1" })
    expect(again.status).toBe(409)
    expect(again.body).toEqual({
      error: { type: "invalid_request_error", code: "duplicate_external_order_id", message: expect.any(String) },
    })
    await cancel(sandbox, first.body.id)
    expect((await create(sandbox, { external_order_id: "order_1" })).status).toBe(409)
    expect((await create(sandbox, { external_order_id: "order_2" })).status).toBe(201)
    expect((await create(sandbox)).status).toBe(201)
    expect((await create(sandbox)).status).toBe(201)
    expect(sandbox.listInvoices()).toHaveLength(4)
  })

  it("keeps the legacy boolean dedupeByExternalOrderId as an alias (option and setting)", async () => {
    expect((await start({ dedupeByExternalOrderId: true })).settings.dedupe).toBe("open")
    expect((await start({ dedupeByExternalOrderId: false })).settings.dedupe).toBe("off")
    expect((await start({ dedupeByExternalOrderId: false, dedupe: "conflict" })).settings.dedupe).toBe("conflict")

    const sandbox = await start()
    sandbox.settings.dedupeByExternalOrderId = false
    expect(sandbox.settings.dedupe).toBe("off")
    expect(sandbox.settings.dedupeByExternalOrderId).toBe(false)
    await create(sandbox, { external_order_id: "order_1" })
    expect((await create(sandbox, { external_order_id: "order_1" })).status).toBe(201)
    sandbox.settings.dedupeByExternalOrderId = true
    expect(sandbox.settings.dedupe).toBe("open")
    expect((await create(sandbox, { external_order_id: "order_1" })).status).toBe(200)
  })
})

describe("closedCheckoutUrl", () => {
  it('defaults to "null": every representation of a closed invoice has checkout_url null; the hosted page still works', async () => {
    const sandbox = await start()
    const created = (await create(sandbox, { external_order_id: "order_1" })).body
    const url = `${sandbox.url}/pay/${created.id}`
    expect(created.checkout_url).toBe(url)
    expect((await get(sandbox, created.id)).body.checkout_url).toBe(url)
    expect((await list(sandbox)).body.data[0].checkout_url).toBe(url)

    const cancelled = await cancel(sandbox, created.id)
    expect(cancelled.body).toEqual(expect.objectContaining({ status: "cancelled", checkout_url: null }))
    expect((await get(sandbox, created.id)).body.checkout_url).toBeNull()
    expect((await list(sandbox)).body.data[0].checkout_url).toBeNull()
    const deduped = await create(sandbox, { external_order_id: "order_1" })
    expect(deduped.status).toBe(200)
    expect(deduped.body).toEqual(expect.objectContaining({ id: created.id, checkout_url: null, payment_url: null }))

    for (const outcome of ["paid", "underpaid", "failed", "expired"] as const) {
      const invoice = (await create(sandbox)).body
      await sandbox.simulate(invoice.id, outcome)
      expect((await get(sandbox, invoice.id)).body).toEqual(expect.objectContaining({ status: outcome, checkout_url: null }))
    }

    // The hosted page is looked up by id, and the internal record keeps the issued URL.
    const page = await fetch(url)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('data-testid="final-state"')
    expect(sandbox.getInvoice(created.id)?.checkout_url).toBe(url)
  })

  it('"keep" keeps the URL on closed invoices; switchable at run time', async () => {
    const sandbox = await start({ closedCheckoutUrl: "keep" })
    const created = (await create(sandbox)).body
    const url = `${sandbox.url}/pay/${created.id}`
    expect((await cancel(sandbox, created.id)).body.checkout_url).toBe(url)
    expect((await get(sandbox, created.id)).body.checkout_url).toBe(url)
    expect((await list(sandbox)).body.data[0].checkout_url).toBe(url)
    sandbox.settings.closedCheckoutUrl = "null"
    expect((await get(sandbox, created.id)).body.checkout_url).toBeNull()
  })
})

describe("statusBody", () => {
  it('defaults to "minimal": only swap_status, tx_hash, deposit_address, deposit_memo', async () => {
    const sandbox = await start()
    const { id } = (await create(sandbox)).body
    const open = await statusOf(sandbox, id)
    expect(open.status).toBe(200)
    expect(keys(open.body)).toEqual(STATUS_KEYS)
    expect(open.body).toEqual({ swap_status: null, tx_hash: null, deposit_address: expect.any(String), deposit_memo: null })
    await sandbox.simulate(id, "paid")
    const paid = (await statusOf(sandbox, id)).body
    expect(keys(paid)).toEqual(STATUS_KEYS)
    expect(paid).toEqual({ swap_status: "completed", tx_hash: expect.stringMatching(/^0x/), deposit_address: null, deposit_memo: null })
    expect((await statusOf(sandbox, "inv_00000000000000000000000000000000")).status).toBe(404)
  })

  it('"full" adds id, status and paid_amount', async () => {
    const sandbox = await start({ statusBody: "full" })
    const { id } = (await create(sandbox)).body
    await sandbox.simulate(id, "paid")
    const body = (await statusOf(sandbox, id)).body
    expect(keys(body)).toEqual([...STATUS_KEYS, "id", "paid_amount", "status"].sort())
    expect(body).toEqual(expect.objectContaining({ id, status: "paid", paid_amount: "41.00", swap_status: "completed" }))
    sandbox.settings.statusBody = "minimal"
    expect(keys((await statusOf(sandbox, id)).body)).toEqual(STATUS_KEYS)
  })
})

describe("createResponse", () => {
  it('defaults to "landing": exactly the landing page fields, also for the dedupe answer', async () => {
    const sandbox = await start()
    const created = await create(sandbox, {
      external_order_id: "order_1048",
      return_url: "https://shop.example.com/return",
      metadata: { cart: "c1" },
    })
    expect(created.status).toBe(201)
    expect(keys(created.body)).toEqual(LANDING_KEYS)
    expect(created.body).toEqual({
      id: expect.stringMatching(UUID_V4),
      invoiceId: created.body.id,
      status: "awaiting_payment",
      checkout_url: `${sandbox.url}/pay/${created.body.id}`,
      payment_url: `${sandbox.url}/pay/${created.body.id}`,
      amount: "41.00",
      currency: "USD",
      output_asset: LANDING_ASSET,
      expires_at: expect.any(String),
    })
    // The invoice still has everything that was sent; only the answer is short.
    expect(sandbox.getInvoice(created.body.id)).toEqual(
      expect.objectContaining({ external_order_id: "order_1048", metadata: { cart: "c1" }, amount: "41.00", status: "awaiting_payment" })
    )
    const deduped = await create(sandbox, { external_order_id: "order_1048" })
    expect(deduped.status).toBe(200)
    expect(keys(deduped.body)).toEqual(LANDING_KEYS)
    expect(deduped.body.invoiceId).toBe(created.body.id)
  })

  it('"full" answers the whole invoice object, also for the dedupe answer', async () => {
    const sandbox = await start({ createResponse: "full" })
    const created = await create(sandbox, { external_order_id: "order_1", metadata: { cart: "c1" } })
    expect(created.status).toBe(201)
    expect(keys(created.body)).toEqual(INVOICE_KEYS)
    expect(created.body).toEqual(expect.objectContaining({ external_order_id: "order_1", metadata: { cart: "c1" } }))
    const deduped = await create(sandbox, { external_order_id: "order_1" })
    expect(deduped.status).toBe(200)
    expect(keys(deduped.body)).toEqual(INVOICE_KEYS)
    sandbox.settings.createResponse = "landing"
    expect(keys((await create(sandbox)).body)).toEqual(LANDING_KEYS)
  })
})

describe("the full invoice object", () => {
  it("get, list and cancel carry every field of the API reference's object and never callback_url", async () => {
    const sandbox = await start()
    const { id } = (await create(sandbox, { callback_url: "http://127.0.0.1:1/cb" })).body
    const fetched = (await get(sandbox, id)).body
    expect(keys(fetched)).toEqual(INVOICE_KEYS)
    expect(fetched).toEqual({
      id,
      external_order_id: null,
      status: "awaiting_payment",
      amount: "41.00",
      currency: "USD",
      order_amount: "41.00",
      order_currency: "USD",
      paid_amount: null,
      output_asset: LANDING_ASSET,
      checkout_url: `${sandbox.url}/pay/${id}`,
      return_url: null,
      customer_id: null,
      payment_link_id: null,
      transaction_hash: null,
      metadata: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      paid_at: null,
      expires_at: expect.any(String),
    })
    expect(keys((await list(sandbox)).body.data[0])).toEqual(INVOICE_KEYS)
    const cancelled = (await cancel(sandbox, id)).body
    expect(keys(cancelled)).toEqual(INVOICE_KEYS)
    expect(JSON.stringify(cancelled)).not.toContain("callback_url")
    expect(sandbox.getInvoice(id)?.callback_url).toBe("http://127.0.0.1:1/cb")
  })

  it("fills paid_amount, transaction_hash and paid_at on payment", async () => {
    const sandbox = await start()
    const { id } = (await create(sandbox, { return_url: "https://shop.example.com/r" })).body
    await sandbox.simulate(id, "paid")
    expect((await get(sandbox, id)).body).toEqual(
      expect.objectContaining({
        status: "paid",
        paid_amount: "41.00",
        transaction_hash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
        paid_at: expect.any(String),
        return_url: "https://shop.example.com/r",
      })
    )
  })
})

describe("outputAsset", () => {
  it("defaults to the landing page's asset, is an option and changes at run time", async () => {
    const sandbox = await start({ outputAsset: "USDC" })
    expect((await create(sandbox)).body.output_asset).toBe("USDC")
    sandbox.settings.outputAsset = "usdc"
    const { id } = (await create(sandbox)).body
    expect((await get(sandbox, id)).body.output_asset).toBe("usdc")
    const plain = await start()
    expect((await create(plain)).body.output_asset).toBe(LANDING_ASSET)
  })
})

describe("rate limit", () => {
  it("is on by default: 30 creates per 60 s, then 429 with the legacy body and Retry-After", async () => {
    const sandbox = await start()
    for (let i = 0; i < 30; i++) expect((await create(sandbox)).status).toBe(201)
    const limited = await create(sandbox)
    expect(limited.status).toBe(429)
    expect(limited.body).toEqual({ error: "Too many requests" })
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0)
    expect(sandbox.listInvoices()).toHaveLength(30)
    // Reads are not limited.
    expect((await list(sandbox)).status).toBe(200)
  })
})

describe("settings at run time", () => {
  it("the control API reads and patches them, validates, and a reset keeps them", async () => {
    const sandbox = await start()
    const patched = await call(sandbox, "POST", "/sandbox/settings", { dedupe: "conflict", idStyle: "inv", statusBody: "full" })
    expect(patched.status).toBe(200)
    expect(patched.body).toEqual(expect.objectContaining({ dedupe: "conflict", idStyle: "inv", statusBody: "full", createResponse: "landing" }))
    expect(sandbox.settings.dedupe).toBe("conflict")
    const { id } = (await create(sandbox, { external_order_id: "order_1" })).body
    expect(id).toMatch(INV_ID)
    expect((await create(sandbox, { external_order_id: "order_1" })).status).toBe(409)
    expect((await statusOf(sandbox, id)).body.status).toBe("awaiting_payment")

    for (const bad of [{ dedupe: "sometimes" }, { idStyle: "ulid" }, { unknown: true }, { outputAsset: "" }, { payoutWalletConfigured: "no" }]) {
      const answer = await call(sandbox, "POST", "/sandbox/settings", bad)
      expect(answer.status).toBe(400)
      expect(answer.body.error.code).toBe("validation_error")
    }
    expect((await call(sandbox, "GET", "/sandbox/settings")).body).toEqual(patched.body)

    expect((await call(sandbox, "POST", "/sandbox/settings", { dedupeByExternalOrderId: false })).body.dedupe).toBe("off")
    expect((await call(sandbox, "POST", "/sandbox/settings", { createResponse: "full", closedCheckoutUrl: "keep", outputAsset: "USDC", payoutWalletConfigured: false })).status).toBe(200)
    expect((await create(sandbox)).body.error.code).toBe("payout_wallet_not_configured")

    expect((await call(sandbox, "POST", "/sandbox/reset")).status).toBe(200)
    expect((await call(sandbox, "GET", "/sandbox/settings")).body).toEqual({
      idStyle: "inv",
      dedupe: "off",
      closedCheckoutUrl: "keep",
      statusBody: "full",
      createResponse: "full",
      outputAsset: "USDC",
      payoutWalletConfigured: false,
    })
  })

  it("the object API validates what it is given", async () => {
    const sandbox = await start()
    expect(() => (sandbox.settings.dedupe = "sometimes" as never)).toThrow(/dedupe/)
    expect(() => (sandbox.settings.idStyle = "ulid" as never)).toThrow(/idStyle/)
    expect(() => sandbox.settings.patch({ createResponse: "short" as never })).toThrow(/createResponse/)
    expect(sandbox.settings.dedupe).toBe("any")
    await expect(startMeumSandbox({ webhookSecret: "whsec_x", statusBody: "tiny" as never })).rejects.toThrow(/statusBody/)
  })
})

describe("webhooks", () => {
  let receiver: http.Server | undefined
  afterEach(async () => {
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()))
    receiver = undefined
  })

  it("sends invoice.created and invoice.cancelled with the landing page's data fields; paid carries payment_url", async () => {
    const bodies: any[] = []
    receiver = http.createServer((req, res) => {
      let raw = ""
      req.on("data", (chunk) => (raw += chunk))
      req.on("end", () => {
        bodies.push(JSON.parse(raw))
        res.writeHead(200, { "Content-Type": "application/json" }).end('{"received":true}')
      })
    })
    await new Promise<void>((resolve) => receiver!.listen(0, "127.0.0.1", resolve))
    const port = (receiver.address() as AddressInfo).port
    const sandbox = await start({ webhookUrls: [`http://127.0.0.1:${port}/hooks`] })

    const first = (await create(sandbox, { external_order_id: "order-1048" })).body
    await cancel(sandbox, first.id)
    const second = (await create(sandbox, { external_order_id: "order-1049" })).body
    await sandbox.simulate(second.id, "paid")
    await sandbox.waitForDeliveries((all) => all.filter((d) => d.status_code === 200).length >= 4, { timeoutMs: 5000 })

    const event = (type: string, id: string) => bodies.find((body) => body.type === type && body.data.invoice_id === id)
    const landingData = (invoice: { id: string }, externalOrderId: string, status: string) => ({
      invoice_id: invoice.id,
      external_order_id: externalOrderId,
      amount: "41.00",
      currency: "USD",
      status,
      paid_at: status === "paid" ? expect.any(String) : null,
      payment_url: `${sandbox.url}/pay/${invoice.id}`,
    })
    expect(event("invoice.created", first.id).data).toEqual(expect.objectContaining(landingData(first, "order-1048", "awaiting_payment")))
    expect(event("invoice.cancelled", first.id).data).toEqual(expect.objectContaining(landingData(first, "order-1048", "cancelled")))
    expect(event("invoice.created", second.id).data).toEqual(expect.objectContaining(landingData(second, "order-1049", "awaiting_payment")))
    // The landing page's invoice.paid example carries payment_url: webhooks keep it.
    expect(event("invoice.paid", second.id).data).toEqual(expect.objectContaining(landingData(second, "order-1049", "paid")))
    for (const body of bodies) {
      expect(body).toEqual(
        expect.objectContaining({ id: expect.any(String), type: expect.any(String), createdAt: expect.any(String), organizationId: expect.any(String), storeId: expect.any(String), storePublicId: expect.any(String) })
      )
    }
  })
})
