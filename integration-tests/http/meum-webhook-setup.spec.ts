/**
 * Webhooks set up from the store (issue 21), on real Medusa + PostgreSQL + the sandbox over HTTP:
 * the setup-meum-webhook command creates Meum's endpoint for <backend>/hooks/meum and prints its secret
 * once; Meum's webhook.test reaches /hooks/meum, which rejects it until the secret is configured; after
 * "set the lines and restart" it is received and verified, recorded as a verified test, and never acted
 * on; the admin's test button and Meum's delivery attempts on the health page.
 */
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { setupMeumWebhook, type SetupWebhookResult } from "../../src/scripts/setup-meum-webhook"
import { meumRegistrations } from "../../src/lib/provider-registry"
import { WEBHOOK_EVENT_TYPES } from "../../src/lib/meum/schemas"
import { signWebhook } from "../../src/lib/meum/webhook-signature"
import { seedStore, type SeededStore } from "../helpers/seed-store"
import { storeFlow } from "../helpers/store-flow"
import { ordersForCart } from "../helpers/medusa-state"
import { TEST_API_KEY, useMeumSandbox } from "../helpers/meum-sandbox-env"
import { adminAuthHeaders } from "../helpers/admin-auth"
import { cartWithOpenInvoice, payWithWebhooksLost } from "../helpers/meum-hooks-flow"

jest.setTimeout(300 * 1000)

const env = useMeumSandbox({ webhookPath: "/hooks/meum" })

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    let seed: SeededStore
    let headers: Record<string, string>
    const backend = () => String(api.defaults.baseURL).replace(/\/$/, "")
    const ledger = () => getContainer().resolve("meumLedger") as any
    const storeRow = async (eventId: string) => (await ledger().listMeumWebhookEvents({ event_id: eventId }))[0]
    // Shared by the steps of the round trip, in order.
    let created: SetupWebhookResult

    /** Runs the command as `medusa exec` would (same container, same arguments) and keeps what it printed. */
    async function run(args: string[]): Promise<{ result: SetupWebhookResult; lines: string[] }> {
      const lines: string[] = []
      const result = await setupMeumWebhook(getContainer() as never, args, (line) => void lines.push(line))
      return { result, lines }
    }

    beforeAll(async () => {
      env.connect(backend())
      headers = await adminAuthHeaders(api, getContainer())
    })

    beforeEach(async () => {
      seed = await seedStore(getContainer())
    })

    it("creates Meum's endpoint for <MEDUSA_BACKEND_URL>/hooks/meum, prints its secret once with the env lines; the store rejects the test event until the secret is set, and the command says how to finish", async () => {
      // Without an endpoint the admin has nothing to test.
      const notYet = await api.post("/admin/meum/registrations/meum/test-webhook", {}, { headers, validateStatus: () => true })
      expect(notYet.status).toBe(400)
      expect(notYet.data.message).toContain("webhookEndpointId")
      expect((await api.get("/admin/meum/registrations/meum/webhook-deliveries", { headers })).data).toEqual({ provider_id: "pp_meum_meum", endpoint_id: null, deliveries: [] })

      process.env.MEDUSA_BACKEND_URL = backend()
      let lines: string[]
      try {
        ;({ result: created, lines } = await run([]))
      } finally {
        delete process.env.MEDUSA_BACKEND_URL
      }
      const endpoint = env.sandbox().webhookEndpoints().find((e) => e.id === created.endpointId)
      expect(endpoint).toMatchObject({ url: `${backend()}/hooks/meum`, events: [...WEBHOOK_EVENT_TYPES] })
      const secret = endpoint!.secret
      expect(created.secret).toBe(secret)
      expect(lines).toContain(`  MEUM_WEBHOOK_SECRET=${secret}`)
      expect(lines).toContain(`  MEUM_WEBHOOK_ENDPOINT_ID=${endpoint!.id}`)
      const printed = lines.join("\n")
      expect(printed.split(secret)).toHaveLength(2) // the secret once
      expect(printed).not.toContain(TEST_API_KEY)

      // Meum reached /hooks/meum, which could not verify the new secret: 401, and no row for the event.
      expect(created.verdict).toMatchObject({ result: "rejected", status_code: 401 })
      expect(created.exitCode).toBe(0)
      expect(lines).toContainEqual(expect.stringMatching(/next: set the lines above, restart the store, then run: npx medusa exec \S+setup-meum-webhook\.js test-only$/))
      expect(await storeRow(created.verdict!.event_id)).toBeUndefined()
    })

    it("after the secret is set and the store restarted, `test-only`: /hooks/meum received and verified the test event, recorded it as a verified webhook.test; a second create is refused", async () => {
      expect(created?.endpointId).toBeDefined()
      // "Set the lines and restart", emulated in this process: the running registration gets the printed
      // options (webhookSecret gains the new secret, webhookEndpointId is set), as medusa-config would read them.
      const [registration] = meumRegistrations(getContainer())
      registration.options.webhookSecret.push(created.secret!)
      registration.options.webhookEndpointId = created.endpointId

      const { result, lines } = await run(["test-only"])
      expect(result.verdict).toMatchObject({ result: "verified", status_code: 200 })
      expect(result.exitCode).toBe(0)
      expect(lines).toContain(`setup-meum-webhook: ok: /hooks/meum received and verified Meum's test event ${result.verdict!.event_id}`)
      expect(await storeRow(result.verdict!.event_id)).toMatchObject({
        event_type: "webhook.test",
        provider_id: "pp_meum_meum",
        verdict: "ok",
        outcome: "verified_test",
        http_status: 200,
      })
      // The health page's "last webhook" of the account is that test.
      const health = await api.get("/admin/meum/health", { headers })
      expect(health.data.registrations[0].last_delivery).toMatchObject({ event_type: "webhook.test", outcome: "verified_test" })

      const endpoints = env.sandbox().webhookEndpoints().length
      const again = await run([`backend-url=${backend()}`])
      expect(again.result.exitCode).toBe(1)
      expect(again.lines.join("\n")).toContain(`already has endpoint ${created.endpointId}`)
      expect(env.sandbox().webhookEndpoints()).toHaveLength(endpoints)
    })

    it("admin: the test button's route answers received and verified; Meum's delivery attempts list the rejected and the verified tests", async () => {
      const sent = await api.post("/admin/meum/registrations/meum/test-webhook", {}, { headers })
      expect(sent.data).toMatchObject({ provider_id: "pp_meum_meum", endpoint_id: created.endpointId, result: "verified", status_code: 200 })
      expect(await storeRow(sent.data.event_id)).toMatchObject({ outcome: "verified_test" })
      // The store records before it answers: Meum logs its attempt a moment after the verdict.
      await env.sandbox().waitForDeliveries((all) => all.some((d) => d.event_id === sent.data.event_id && d.status_code === 200))

      const attempts = (await api.get("/admin/meum/registrations/pp_meum_meum/webhook-deliveries", { headers })).data
      expect(attempts.endpoint_id).toBe(created.endpointId)
      const tests = attempts.deliveries.filter((d: { event_type: string }) => d.event_type === "webhook.test")
      expect(tests[0]).toEqual({ id: expect.any(String), event_id: sent.data.event_id, event_type: "webhook.test", attempt_number: 1, status_code: 200, attempted_at: expect.any(String) })
      expect(tests).toContainEqual(expect.objectContaining({ event_id: created.verdict!.event_id, status_code: 401 }))

      const unknown = await api.post("/admin/meum/registrations/nope/test-webhook", {}, { headers, validateStatus: () => true })
      expect(unknown.status).toBe(404)
      expect((await api.post("/admin/meum/registrations/meum/test-webhook", {}, { validateStatus: () => true })).status).toBe(401)
    })

    it("a verified webhook.test is answered {received: true} and never acted on, even when it names a paid invoice", async () => {
      const { cartId, invoiceId } = await cartWithOpenInvoice(storeFlow(api, seed.publishableKey, seed.regionId), env.sandbox(), seed.variantId)
      await payWithWebhooksLost(env.sandbox(), invoiceId)
      const eventId = `evt_test_${Date.now()}`
      const body = JSON.stringify({ id: eventId, type: "webhook.test", data: { message: "Test webhook from Stablecoin Checkout", invoice_id: invoiceId } })
      const signed = signWebhook({ secret: created.secret!, rawBody: body, timestamp: Math.floor(Date.now() / 1000), eventType: "webhook.test", eventId })
      const answered = await api.post("/hooks/meum", body, { headers: signed, transformRequest: [(data: string) => data] })
      expect(answered.status).toBe(200)
      expect(answered.data).toEqual({ received: true })
      expect(await ordersForCart(getContainer(), cartId)).toEqual([])
      expect(await storeRow(eventId)).toMatchObject({ event_type: "webhook.test", outcome: "verified_test" })
    })
  },
})
