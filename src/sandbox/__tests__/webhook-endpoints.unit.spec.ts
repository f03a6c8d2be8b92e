/**
 * The sandbox's developer-managed webhook endpoints over real HTTP, through the plugin's client:
 * create (secret shown once), each endpoint's events signed with its own secret, the `webhook.test`
 * event, the deliveries list, the test's rate limit.
 */
import { createHmac } from "node:crypto"
import axios from "axios"
import { MeumClient } from "../../lib/meum/client"
import { MeumApiError } from "../../lib/meum/errors"
import { startScriptedServer, type ScriptedServer } from "../../lib/meum/__tests__/helpers/scripted-server"
import { startMeumSandbox, type MeumSandbox } from ".."

const KEY = "sk_live_endpoints_0123456789"
const SANDBOX_SECRET = "whsec_sandbox_endpoints"

let receiver: ScriptedServer
let sandbox: MeumSandbox
let client: MeumClient

beforeEach(async () => {
  receiver = await startScriptedServer()
  receiver.answer({ status: 200, body: { received: true } })
  sandbox = await startMeumSandbox({
    webhookSecret: SANDBOX_SECRET,
    apiKeys: [KEY],
    webhookUrls: [`${receiver.url}/configured`],
    webhookRetry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
  })
  client = new MeumClient({ apiKey: KEY, baseUrl: sandbox.url, retry: { maxAttempts: 1 } })
})

afterEach(async () => {
  client.close()
  await sandbox.stop()
  await receiver.close()
})

const signedWith = (secret: string, request: ScriptedServer["requests"][number]) =>
  request.headers["x-stablecoin-signature"] ===
  "v1=" + createHmac("sha256", secret).update(`${request.headers["x-stablecoin-timestamp"]}.${request.body}`).digest("hex")

const to = (path: string, type?: string) =>
  receiver.requests.filter((request) => request.url === path && (!type || request.headers["x-stablecoin-event"] === type))

describe("POST /v1/webhook-endpoints", () => {
  it("creates an endpoint and shows its secret once: 64 hex, its prefix, the documented message, the default events", async () => {
    const created = await client.createWebhookEndpoint({ url: `${receiver.url}/store`, name: "Medusa" })
    expect(created).toEqual({
      id: expect.stringMatching(/^wh_[0-9a-f]{32}$/),
      name: "Medusa",
      url: `${receiver.url}/store`,
      secret: expect.stringMatching(/^[0-9a-f]{64}$/),
      secret_prefix: created.secret.slice(0, 8),
      events: ["invoice.created", "invoice.paid", "invoice.underpaid", "invoice.failed", "invoice.expired", "invoice.cancelled", "webhook.test"],
      message: "Save this secret now. It will not be shown again.",
    })
    const another = await client.createWebhookEndpoint({ url: `${receiver.url}/store` })
    expect(another.name).toBe("Default")
    expect(another.secret).not.toBe(created.secret)
    // Later answers about the endpoint never carry the secret again.
    const test = await client.sendTestWebhook(created.id)
    await sandbox.waitForDeliveries((all) => all.some((d) => d.event_id === test.event_id))
    const deliveries = await client.listWebhookEndpointDeliveries(created.id)
    expect(JSON.stringify([test, deliveries])).not.toContain(created.secret)
  })

  it("needs the API key and a valid body", async () => {
    const post = (body: unknown, headers: Record<string, string> = { Authorization: `Bearer ${KEY}` }) =>
      axios.post(`${sandbox.url}/v1/webhook-endpoints`, body, { headers, validateStatus: () => true })
    expect((await post({ url: `${receiver.url}/x` }, {})).status).toBe(401)
    const noUrl = await post({ name: "x" })
    expect(noUrl.status).toBe(400)
    expect(noUrl.data.error.code).toBe("validation_error")
    expect((await post({ url: "ftp://example.com/hook" })).status).toBe(400)
    expect((await post({ url: `${receiver.url}/x`, name: "" })).status).toBe(400)
    expect((await post({ url: `${receiver.url}/x`, unknown: true })).status).toBe(400)
    expect(sandbox.webhookEndpoints().map((endpoint) => endpoint.url)).toEqual([`${receiver.url}/configured`])
  })

  it("sends the endpoint the events it subscribed to, signed with ITS secret; the configured endpoint keeps the sandbox's", async () => {
    const all = await client.createWebhookEndpoint({ url: `${receiver.url}/store` })
    const paidOnly = await client.createWebhookEndpoint({ url: `${receiver.url}/paid-only`, events: ["invoice.paid"] })
    const invoice = await client.createInvoice({ amount: "12.00", currency: "USD" })
    await sandbox.simulate(invoice.id, "paid")
    await sandbox.waitForDeliveries((deliveries) => deliveries.filter((d) => d.event_type === "invoice.paid").length >= 3)
    await sandbox.waitForDeliveries((deliveries) => deliveries.filter((d) => d.event_type === "invoice.created").length >= 2)

    const [created] = to("/store", "invoice.created")
    expect(signedWith(all.secret, created)).toBe(true)
    expect(signedWith(SANDBOX_SECRET, created)).toBe(false)
    expect(signedWith(paidOnly.secret, to("/paid-only", "invoice.paid")[0])).toBe(true)
    expect(to("/paid-only", "invoice.created")).toEqual([])
    expect(signedWith(SANDBOX_SECRET, to("/configured", "invoice.paid")[0])).toBe(true)
    expect(sandbox.deliveries().filter((d) => d.endpoint_id === paidOnly.id).map((d) => d.event_type)).toEqual(["invoice.paid"])
  })
})

describe("POST /v1/webhook-endpoints/{id}/test and GET …/deliveries", () => {
  it("sends the endpoint alone a signed webhook.test with the documented body, and lists its attempts newest first", async () => {
    const endpoint = await client.createWebhookEndpoint({ url: `${receiver.url}/store` })
    // The store answers 401 once (its secret not configured yet), then 200.
    receiver.answer({ status: 401, body: { received: false } }, { status: 200, body: { received: true } })
    const test = await client.sendTestWebhook(endpoint.id)
    expect(test).toEqual({ ok: true, event_id: expect.stringMatching(/^evt_[0-9a-f]{32}$/), event_type: "webhook.test" })
    await sandbox.waitForDeliveries((all) => all.some((d) => d.event_id === test.event_id && d.status_code === 200))

    const tests = to("/store", "webhook.test")
    expect(tests).toHaveLength(2)
    expect(JSON.parse(tests[0].body)).toEqual({ id: test.event_id, type: "webhook.test", data: { message: "Test webhook from Stablecoin Checkout" } })
    expect(tests[0].headers["x-stablecoin-event-id"]).toBe(test.event_id)
    expect(tests.every((request) => signedWith(endpoint.secret, request))).toBe(true)
    expect(to("/configured", "webhook.test")).toEqual([])

    const page = await client.listWebhookEndpointDeliveries(endpoint.id)
    expect(page.data).toEqual([
      { id: expect.stringMatching(/^whd_/), event_id: test.event_id, event_type: "webhook.test", attempt_number: 2, status_code: 200, attempted_at: expect.any(String) },
      { id: expect.stringMatching(/^whd_/), event_id: test.event_id, event_type: "webhook.test", attempt_number: 1, status_code: 401, attempted_at: expect.any(String) },
    ])
    const next = await client.listWebhookEndpointDeliveries(endpoint.id, { limit: 1, starting_after: page.data[0].id })
    expect(next.data.map((d) => d.id)).toEqual([page.data[1].id])
  })

  it("answers 404 for an unknown endpoint and 400 for a bad limit", async () => {
    const unknown = "wh_" + "0".repeat(32)
    await expect(client.sendTestWebhook(unknown)).rejects.toMatchObject({ status: 404, code: "resource_missing" })
    await expect(client.listWebhookEndpointDeliveries(unknown)).rejects.toMatchObject({ status: 404 })
    const endpoint = await client.createWebhookEndpoint({ url: `${receiver.url}/store` })
    const bad = await axios.get(`${sandbox.url}/v1/webhook-endpoints/${endpoint.id}/deliveries?limit=500`, {
      headers: { Authorization: `Bearer ${KEY}` },
      validateStatus: () => true,
    })
    expect(bad.status).toBe(400)
  })

  it("rate limits the test: the sixth in a minute for one endpoint is a 429 the client does not retry", async () => {
    const endpoint = await client.createWebhookEndpoint({ url: `${receiver.url}/store` })
    const other = await client.createWebhookEndpoint({ url: `${receiver.url}/other` })
    for (let i = 0; i < 5; i++) await client.sendTestWebhook(endpoint.id)
    const retrying = new MeumClient({ apiKey: KEY, baseUrl: sandbox.url, retry: { maxAttempts: 3 }, sleep: async () => undefined })
    try {
      const before = sandbox.requests().length
      const limited = await retrying.sendTestWebhook(endpoint.id).catch((error: unknown) => error)
      expect(limited).toBeInstanceOf(MeumApiError)
      expect(limited).toMatchObject({ status: 429 })
      expect(sandbox.requests().length - before).toBe(1)
      await expect(retrying.sendTestWebhook(other.id)).resolves.toMatchObject({ ok: true })
    } finally {
      retrying.close()
    }
  })
})
