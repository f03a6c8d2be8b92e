/** Sandbox webhooks (envelope, headers, signature), simulate outcomes, and every fault switch. */
import { createHmac } from "node:crypto"
import { MeumClient } from "../../lib/meum/client"
import { MeumApiError } from "../../lib/meum/errors"
import { startScriptedServer, type ScriptedServer } from "../../lib/meum/__tests__/helpers/scripted-server"
import { startMeumSandbox, type MeumSandbox, type MeumSandboxOptions } from ".."

const KEY = "sk_live_webhooks_0123456789"
const SECRET = "whsec_sandbox_webhook_test"

let receiver: ScriptedServer
let sandbox: MeumSandbox
let client: MeumClient

async function setup(options: Partial<MeumSandboxOptions> = {}) {
  receiver = await startScriptedServer()
  receiver.answer({ status: 200, body: { received: true } })
  sandbox = await startMeumSandbox({
    webhookSecret: SECRET,
    apiKeys: [KEY],
    webhookUrls: [`${receiver.url}/hooks`],
    webhookRetry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 },
    ...options,
  })
  client = new MeumClient({ apiKey: KEY, baseUrl: sandbox.url, retry: { maxAttempts: 1 } })
}

afterEach(async () => {
  client?.close()
  await sandbox?.stop()
  await receiver?.close()
})

const deliveriesOf = (type: string, count = 1) =>
  sandbox.waitForDeliveries((all) => all.filter((d) => d.event_type === type).length >= count, { timeoutMs: 5000 })

const received = (type: string) => receiver.requests.filter((r) => r.headers["x-stablecoin-event"] === type)

describe("sandbox webhooks", () => {
  it("sends invoice.created with the documented envelope, signed v1 over the exact raw bytes", async () => {
    await setup()
    const invoice = await client.createInvoice({ amount: "41.00", currency: "USD", external_order_id: "cart_1" })
    await deliveriesOf("invoice.created")
    const [request] = received("invoice.created")
    // Independent of our verifier: node:crypto over `${timestamp}.${rawBody}`.
    const timestamp = String(request.headers["x-stablecoin-timestamp"])
    const expected = "v1=" + createHmac("sha256", SECRET).update(`${timestamp}.${request.body}`).digest("hex")
    expect(request.headers["x-stablecoin-signature"]).toBe(expected)
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(5)
    const body = JSON.parse(request.body)
    expect(request.headers["x-stablecoin-event-id"]).toBe(body.id)
    expect(request.headers["content-type"]).toContain("application/json")
    expect(body).toEqual(
      expect.objectContaining({
        id: expect.stringMatching(/^evt_[0-9a-f]{32}$/),
        type: "invoice.created",
        createdAt: expect.any(String),
        organizationId: expect.any(String),
        storeId: expect.any(String),
        storePublicId: expect.any(String),
        data: expect.objectContaining({ invoice_id: invoice.id, external_order_id: "cart_1", amount: "41.00", currency: "USD", status: "awaiting_payment" }),
      })
    )
  })

  it("signs the legacy sha256= form when asked", async () => {
    await setup({ legacySignatures: true })
    await client.createInvoice({ amount: "1.00", currency: "USD" })
    await deliveriesOf("invoice.created")
    const [request] = received("invoice.created")
    expect(request.headers["x-stablecoin-signature"]).toBe("sha256=" + createHmac("sha256", SECRET).update(request.body).digest("hex"))
  })

  it.each([
    ["paid", "invoice.paid", { status: "paid", paid_amount: "41.00" }],
    ["underpaid", "invoice.underpaid", { status: "underpaid", paid_amount: "20.50" }],
    ["failed", "invoice.failed", { status: "failed", paid_amount: null }],
    ["expired", "invoice.expired", { status: "expired", paid_amount: null }],
  ] as const)("simulate %s emits %s and updates the invoice", async (outcome, eventType, expected) => {
    await setup()
    const invoice = await client.createInvoice({ amount: "41.00", currency: "USD" })
    await sandbox.simulate(invoice.id, outcome)
    await deliveriesOf(eventType)
    expect(await client.getInvoice(invoice.id)).toEqual(expect.objectContaining(expected))
    const body = JSON.parse(received(eventType)[0].body)
    expect(body.data).toEqual(expect.objectContaining({ invoice_id: invoice.id, status: expected.status }))
    // Terminal: a second outcome is refused.
    await expect(sandbox.simulate(invoice.id, "paid")).rejects.toThrow(/only open invoices/)
  })

  it("the control API simulates a payment with a custom paid amount and 409s on closed invoices", async () => {
    await setup()
    const invoice = await client.createInvoice({ amount: "10.00", currency: "USD" })
    const post = (body: unknown) =>
      fetch(`${sandbox.url}/sandbox/invoices/${invoice.id}/simulate`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
    const first = await post({ outcome: "underpaid", paid_amount: "3.00" })
    expect(first.status).toBe(200)
    expect((await first.json()).paid_amount).toBe("3.00")
    expect((await post({ outcome: "paid" })).status).toBe(409)
    expect((await post({ outcome: "teleport" })).status).toBe(400)
  })

  it("lands late money on a cancelled or expired invoice (paid_late, underpaid_late) with its webhook, and only there", async () => {
    await setup()
    const post = (id: string, body: unknown) =>
      fetch(`${sandbox.url}/sandbox/invoices/${id}/simulate`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
    const open = await client.createInvoice({ amount: "10.00", currency: "USD" })
    expect((await post(open.id, { outcome: "paid_late" })).status).toBe(409)
    expect(sandbox.getInvoice(open.id)?.status).toBe("awaiting_payment")

    await client.cancelInvoice(open.id)
    const late = await post(open.id, { outcome: "paid_late" })
    expect(late.status).toBe(200)
    expect(await late.json()).toEqual(expect.objectContaining({ status: "paid", paid_amount: "10.00", transaction_hash: expect.any(String) }))
    await deliveriesOf("invoice.paid")
    expect((await post(open.id, { outcome: "paid_late" })).status).toBe(409)

    const expiring = await client.createInvoice({ amount: "8.00", currency: "USD" })
    await sandbox.simulate(expiring.id, "expired")
    expect((await sandbox.simulate(expiring.id, "underpaid_late", "2.00")).status).toBe("underpaid")
    await deliveriesOf("invoice.underpaid")
  })

  it("refunds a paid invoice (invoice.refunded), and only a paid or underpaid one", async () => {
    await setup()
    const invoice = await client.createInvoice({ amount: "10.00", currency: "USD" })
    await expect(sandbox.simulate(invoice.id, "refunded")).rejects.toThrow(/only a paid or underpaid invoice/)
    await sandbox.simulate(invoice.id, "paid")
    expect((await sandbox.simulate(invoice.id, "refunded")).status).toBe("refunded")
    await deliveriesOf("invoice.refunded")
    expect((await client.getInvoice(invoice.id)).status).toBe("refunded")
  })

  it("emits invoice.cancelled on cancel, also to the invoice's callback_url", async () => {
    await setup()
    const callback = await startScriptedServer()
    try {
      const invoice = await client.createInvoice({ amount: "1.00", currency: "USD", callback_url: `${callback.url}/cb` })
      await client.cancelInvoice(invoice.id)
      await sandbox.waitForDeliveries((all) => all.filter((d) => d.event_type === "invoice.cancelled").length >= 2)
      expect(callback.requests.map((r) => r.headers["x-stablecoin-event"])).toContain("invoice.cancelled")
      expect(received("invoice.cancelled")).toHaveLength(1)
    } finally {
      await callback.close()
    }
  })

  it("expires overdue invoices on the sandbox clock and emits invoice.expired", async () => {
    let now = Date.parse("2026-01-01T00:00:00Z")
    await setup({ now: () => now, invoiceLifetimeSeconds: 60 })
    const invoice = await client.createInvoice({ amount: "1.00", currency: "USD" })
    expect(invoice.expires_at).toBe("2026-01-01T00:01:00.000Z")
    now += 59_000
    expect(sandbox.expireDueInvoices()).toBe(0)
    now += 1_000
    expect(sandbox.expireDueInvoices()).toBe(1)
    await deliveriesOf("invoice.expired")
    expect((await client.getInvoice(invoice.id)).status).toBe("expired")
  })
})

describe("sandbox fault switches", () => {
  it("drops webhooks: nothing arrives, the delivery is listed as dropped", async () => {
    await setup()
    sandbox.setFaults({ webhook_drop_rate: 1 })
    await client.createInvoice({ amount: "1.00", currency: "USD" })
    const [delivery] = await deliveriesOf("invoice.created")
    expect(delivery).toEqual(expect.objectContaining({ dropped: true, status_code: null }))
    expect(receiver.requests).toHaveLength(0)
  })

  it("duplicates webhooks: the same event arrives N times", async () => {
    await setup()
    sandbox.setFaults({ webhook_duplicates: 3 })
    await client.createInvoice({ amount: "1.00", currency: "USD" })
    await deliveriesOf("invoice.created", 3)
    const ids = received("invoice.created").map((r) => r.headers["x-stablecoin-event-id"])
    expect(ids).toHaveLength(3)
    expect(new Set(ids).size).toBe(1)
  })

  it("retries a failing endpoint with backoff and lists every attempt with its code", async () => {
    await setup()
    receiver.answer({ status: 500, body: {} }, { status: 500, body: {} }, { status: 200, body: { received: true } })
    await client.createInvoice({ amount: "1.00", currency: "USD" })
    await sandbox.waitForDeliveries((all) => all.some((d) => d.status_code === 200))
    const res = await fetch(`${sandbox.url}/sandbox/deliveries`)
    const { data } = await res.json()
    expect(data.map((d: any) => [d.attempt_number, d.status_code])).toEqual([[1, 500], [2, 500], [3, 200]])
  })

  it("gives up after the bounded number of attempts", async () => {
    await setup()
    receiver.answer({ status: 503, body: {} })
    await client.createInvoice({ amount: "1.00", currency: "USD" })
    const attempts = await sandbox.waitForDeliveries((all) => all.length >= 4)
    expect(attempts.map((d) => d.attempt_number)).toEqual([1, 2, 3, 4])
    expect(receiver.requests).toHaveLength(4)
  })

  it("reorders a burst of events", async () => {
    await setup()
    sandbox.setFaults({ webhook_reorder: true })
    const invoice = await client.createInvoice({ amount: "1.00", currency: "USD" })
    await sandbox.simulate(invoice.id, "paid")
    await sandbox.waitForDeliveries((all) => all.length >= 2)
    expect(receiver.requests.map((r) => r.headers["x-stablecoin-event"])).toEqual(["invoice.paid", "invoice.created"])
  })

  it("delays webhooks", async () => {
    await setup()
    sandbox.setFaults({ webhook_delay_ms: 150 })
    const started = Date.now()
    await client.createInvoice({ amount: "1.00", currency: "USD" })
    await deliveriesOf("invoice.created")
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
  })

  it("holds webhooks until the hold is lifted, then sends the whole burst at once", async () => {
    await setup()
    const hold = (on: boolean) =>
      fetch(`${sandbox.url}/sandbox/faults`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ webhook_hold: on }),
      }).then((res) => res.json())
    expect((await hold(true)).webhook_hold).toBe(true)
    const invoices = [
      await client.createInvoice({ amount: "1.00", currency: "USD" }),
      await client.createInvoice({ amount: "2.00", currency: "USD" }),
    ]
    await sandbox.simulate(invoices[0].id, "paid")
    // Held events are queued when emitted (synchronously with the API call): nothing left yet.
    expect(sandbox.heldWebhooks()).toBe(3)
    expect(sandbox.deliveries()).toEqual([])
    expect(receiver.requests).toHaveLength(0)

    expect((await hold(false)).webhook_hold).toBe(false)
    expect(sandbox.heldWebhooks()).toBe(0)
    const deliveries = await sandbox.waitForDeliveries((all) => all.length >= 3)
    expect(deliveries.map((d) => [d.invoice_id, d.event_type]).sort()).toEqual(
      [
        [invoices[0].id, "invoice.created"],
        [invoices[0].id, "invoice.paid"],
        [invoices[1].id, "invoice.created"],
      ].sort()
    )
    expect(deliveries.every((d) => d.status_code === 200)).toBe(true)
  })

  it("forgets held webhooks on reset instead of sending them", async () => {
    await setup()
    sandbox.setFaults({ webhook_hold: true })
    await client.createInvoice({ amount: "1.00", currency: "USD" })
    expect(sandbox.heldWebhooks()).toBe(1)
    const reset = await fetch(`${sandbox.url}/sandbox/reset`, { method: "POST" })
    expect(reset.status).toBe(200)
    expect(sandbox.heldWebhooks()).toBe(0)
    expect(sandbox.setFaults({}).webhook_hold).toBe(false)
    // Something sent after the reset arrives; the forgotten event never does.
    await client.createInvoice({ amount: "2.00", currency: "USD" })
    const [delivery] = await sandbox.waitForDeliveries((all) => all.length >= 1)
    expect(receiver.requests).toHaveLength(1)
    expect(JSON.parse(receiver.requests[0].body).data.amount).toBe("2.00")
    expect(delivery.status_code).toBe(200)
  })

  it("injects API 5xx errors, latency and hangs on /v1 only", async () => {
    await setup()
    const res = await fetch(`${sandbox.url}/sandbox/faults`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ api_error_rate: 1 }),
    })
    expect((await res.json()).api_error_rate).toBe(1)
    await expect(client.listInvoices()).rejects.toMatchObject({ status: 503, kind: "retryable" })
    expect((await fetch(`${sandbox.url}/sandbox/faults`)).status).toBe(200)

    sandbox.resetFaults()
    sandbox.setFaults({ api_latency_ms: 120 })
    const started = Date.now()
    await client.listInvoices()
    expect(Date.now() - started).toBeGreaterThanOrEqual(110)

    sandbox.setFaults({ api_latency_ms: 0, api_hang_rate: 1 })
    const impatient = new MeumClient({ apiKey: KEY, baseUrl: sandbox.url, timeoutMs: 150 })
    try {
      const error = await impatient.createInvoice({ amount: "1.00", currency: "USD" }).catch((e) => e)
      expect(error).toBeInstanceOf(MeumApiError)
      expect(error).toMatchObject({ kind: "ambiguous", code: "timeout" })
    } finally {
      impatient.close()
    }
    expect((await fetch(`${sandbox.url}/sandbox/faults`, { method: "DELETE" })).status).toBe(200)
    expect(sandbox.setFaults({})).toEqual(expect.objectContaining({ api_hang_rate: 0 }))
  })

  it("validates fault settings", async () => {
    await setup()
    const res = await fetch(`${sandbox.url}/sandbox/faults`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ api_error_rate: 2 }),
    })
    expect(res.status).toBe(400)
  })
})
