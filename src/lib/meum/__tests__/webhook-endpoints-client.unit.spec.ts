/** The client's webhook-endpoint calls against a scripted Meum: lenient reads, what is (not) retried, no key in errors. */
import { MeumClient } from "../client"
import { MeumApiError } from "../errors"
import { startScriptedServer, type ScriptedServer } from "./helpers/scripted-server"

const KEY = "sk_live_client_endpoints_42"
let server: ScriptedServer
let client: MeumClient

beforeEach(async () => {
  server = await startScriptedServer()
  client = new MeumClient({ apiKey: KEY, baseUrl: server.url, retry: { maxAttempts: 3 }, sleep: async () => undefined })
})
afterEach(async () => {
  client.close()
  await server.close()
})

describe("MeumClient webhook endpoints", () => {
  it("posts the create body and keeps unknown fields of the answer; a 503 after sending is not retried", async () => {
    server.answer({ status: 201, body: { id: "wh_1", secret: "s".repeat(64), url: "https://shop.example/hooks/meum", managed: false } })
    const created = await client.createWebhookEndpoint({ url: "https://shop.example/hooks/meum", events: ["invoice.paid"] })
    expect(created).toMatchObject({ id: "wh_1", secret: "s".repeat(64), managed: false })
    expect(server.requests[0]).toMatchObject({ method: "POST", url: "/v1/webhook-endpoints" })
    expect(JSON.parse(server.requests[0].body)).toEqual({ url: "https://shop.example/hooks/meum", events: ["invoice.paid"] })

    server.answer({ status: 503, body: { error: { type: "api_error", code: "down", message: "down" } } })
    const failed = await client.createWebhookEndpoint({ url: "https://shop.example/hooks/meum" }).catch((error: unknown) => error)
    expect(failed).toBeInstanceOf(MeumApiError)
    expect(server.requests).toHaveLength(2)
    expect(String((failed as Error).message)).not.toContain(KEY)
  })

  it("refuses a create without a valid URL before calling Meum", async () => {
    await expect(client.createWebhookEndpoint({ url: "not a url" })).rejects.toMatchObject({ code: "invalid_input" })
    expect(server.requests).toEqual([])
  })

  it("reads deliveries leniently (no event_type, a null status code, extra fields) and passes limit/starting_after", async () => {
    server.answer({ status: 200, body: { data: [{ id: "whd_1", event_id: "evt_1", attempt_number: 1, status_code: null, attempted_at: "2026-12-05T10:00:00Z", extra: 1 }] } })
    const page = await client.listWebhookEndpointDeliveries("wh_1", { limit: 5, starting_after: "whd_0" })
    expect(page.data).toEqual([{ id: "whd_1", event_id: "evt_1", attempt_number: 1, status_code: null, attempted_at: "2026-12-05T10:00:00Z", extra: 1 }])
    expect(server.requests[0].url).toBe("/v1/webhook-endpoints/wh_1/deliveries?limit=5&starting_after=whd_0")
  })

  it("sends a test once: a 429 is not retried, a body without event_id is an invalid response", async () => {
    server.answer({ status: 429, body: { error: "Too many requests" }, headers: { "Retry-After": "1" } })
    await expect(client.sendTestWebhook("wh_1")).rejects.toMatchObject({ status: 429 })
    expect(server.requests).toHaveLength(1)
    server.answer({ status: 200, body: { ok: true } })
    await expect(client.sendTestWebhook("wh_1")).rejects.toMatchObject({ code: "invalid_response" })
    server.answer({ status: 200, body: { ok: true, event_id: "evt_t", event_type: "webhook.test" } })
    await expect(client.sendTestWebhook("wh 1/x")).resolves.toEqual({ ok: true, event_id: "evt_t", event_type: "webhook.test" })
    expect(server.requests[server.requests.length - 1].url).toBe("/v1/webhook-endpoints/wh%201%2Fx/test")
  })
})
