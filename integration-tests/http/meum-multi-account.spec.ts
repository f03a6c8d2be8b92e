/**
 * Two Meum accounts in one store: medusa-config registers the provider twice (`meum` →
 * pp_meum_meum on sandbox 1, `meum_second` → pp_meum_meum_second on sandbox 2, each with its own
 * API key and webhook secret), on real Medusa + PostgreSQL, over HTTP. Each registration keeps
 * its own client, secrets and cart-reference key; webhooks reach the right account through
 * /hooks/meum (the signature picks it) or /hooks/meum/<registration id>.
 */
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { signWebhook } from "../../src/lib/meum/webhook-signature"
import { runMeumReconcile } from "../../src/jobs/reconcile-meum-payments"
import { meumRegistrations } from "../../src/lib/provider-registry"
import { startMeumSandbox, type MeumSandbox } from "../../src/sandbox"
import { seedStore, type SeededStore } from "../helpers/seed-store"
import { storeFlow } from "../helpers/store-flow"
import { capturesForCollection, ordersForCart } from "../helpers/medusa-state"
import { TEST_API_KEY, TEST_WEBHOOK_SECRET, sandboxVariant, useMeumSandbox } from "../helpers/meum-sandbox-env"
import { payWithWebhooksLost } from "../helpers/meum-hooks-flow"

jest.setTimeout(300 * 1000)

const SECOND_API_KEY = "sk_live_second_account_9d8c7b6a5f4e3d21"
const SECOND_WEBHOOK_SECRET = "whsec_second_account_0123456789fedcba"
const SECOND_ENV = ["MEUM_SECOND_ACCOUNT_API_KEY", "MEUM_SECOND_ACCOUNT_WEBHOOK_SECRET", "MEUM_SECOND_ACCOUNT_API_BASE_URL"]

// Account 1: the usual test sandbox, its webhooks to /hooks/meum.
const env = useMeumSandbox({ webhookPath: "/hooks/meum", rateLimit: { max: 10_000, windowMs: 60_000 } })

// Account 2: its own sandbox, key and secret; started before Medusa boots (medusa-config reads the env).
let second: MeumSandbox | undefined
beforeAll(async () => {
  second = await startMeumSandbox({
    port: 0,
    apiKeys: [SECOND_API_KEY],
    webhookSecret: SECOND_WEBHOOK_SECRET,
    rateLimit: { max: 10_000, windowMs: 60_000 },
    webhookRetry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 },
    ...sandboxVariant(),
  })
  process.env.MEUM_SECOND_ACCOUNT_API_KEY = SECOND_API_KEY
  process.env.MEUM_SECOND_ACCOUNT_WEBHOOK_SECRET = SECOND_WEBHOOK_SECRET
  process.env.MEUM_SECOND_ACCOUNT_API_BASE_URL = second.url
})
afterAll(async () => {
  for (const name of SECOND_ENV) delete process.env[name]
  await second?.stop()
})
const sandbox2 = () => second!

let eventCounter = 0
const nextEventId = () => `evt_${String(++eventCounter).padStart(32, "0")}`

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    let seed: SeededStore
    let connected2 = false
    const flow = () => storeFlow(api, seed.publishableKey, seed.regionId)
    const ledger = () => getContainer().resolve("meumLedger") as any

    beforeEach(async () => {
      env.connect(String(api.defaults.baseURL))
      if (!connected2) {
        // Account 2 sends every event to both of its URLs.
        const base = String(api.defaults.baseURL).replace(/\/$/, "")
        sandbox2().addWebhookEndpoint(`${base}/hooks/meum`)
        sandbox2().addWebhookEndpoint(`${base}/hooks/meum/meum_second`)
        connected2 = true
      }
      seed = await seedStore(getContainer(), { paymentProviders: ["pp_meum_meum", "pp_meum_meum_second", "pp_system_default"] })
    })

    /** A cart with an open invoice of the given registration, its invoice.created deliveries landed. */
    async function cartWithOpenInvoice(providerId: string, sandbox: MeumSandbox, endpoints: number) {
      const cart = await flow().createCart()
      await flow().addItem(cart.id, seed.variantId, 2)
      const session = await flow().startSession(cart.id, providerId)
      const invoiceId = String(session.data.invoice_id)
      await sandbox.waitForDeliveries(
        (all) => all.filter((d) => d.invoice_id === invoiceId && d.event_type === "invoice.created" && d.status_code === 200).length >= endpoints,
        { timeoutMs: 30_000 }
      )
      return { cartId: cart.id, session, invoiceId }
    }

    function postSigned(path: string, invoiceId: string, secret: string, type = "invoice.paid") {
      const eventId = nextEventId()
      const body = JSON.stringify({ id: eventId, type, createdAt: new Date().toISOString(), data: { invoice_id: invoiceId } })
      const headers = signWebhook({ secret, rawBody: body, timestamp: Math.floor(Date.now() / 1000), eventType: type, eventId })
      return api.post(path, body, { headers, transformRequest: [(data: string) => data], validateStatus: () => true })
    }

    it("boots with both registrations (no refusal): each found under its provider id, with its own client and options", async () => {
      const providers = await getContainer().resolve("payment").listPaymentProviders({})
      expect(providers.map((p: { id: string }) => p.id)).toEqual(expect.arrayContaining(["pp_meum_meum", "pp_meum_meum_second"]))
      const registrations = meumRegistrations(getContainer())
      expect(registrations.map((r) => [r.providerId, r.registrationId, r.options.apiKey, r.options.apiBaseUrl])).toEqual([
        ["pp_meum_meum", "meum", TEST_API_KEY, env.sandbox().url],
        ["pp_meum_meum_second", "meum_second", SECOND_API_KEY, sandbox2().url],
      ])
      expect(registrations[0].client).not.toBe(registrations[1].client)
      expect(registrations[1].options.webhookSecret).toEqual([SECOND_WEBHOOK_SECRET])
      // Both clients still work (neither registration closed the other's).
      expect((await registrations[0].client.listInvoices({ limit: 1 })).data).toEqual(expect.any(Array))
      expect((await registrations[1].client.listInvoices({ limit: 1 })).data).toEqual(expect.any(Array))
      // The seeded region offers both.
      const { data: regions } = await getContainer()
        .resolve("query")
        .graph({ entity: "region", fields: ["id", "payment_providers.id"], filters: { id: seed.regionId } })
      expect(regions[0].payment_providers.map((p: { id: string }) => p.id)).toEqual(expect.arrayContaining(["pp_meum_meum", "pp_meum_meum_second"]))
    })

    it("a cart paying through pp_meum_meum_second gets its invoice on the second account; its paid webhook to /hooks/meum and /hooks/meum/meum_second places exactly one order", async () => {
      const { cartId, session, invoiceId } = await cartWithOpenInvoice("pp_meum_meum_second", sandbox2(), 2)
      expect(session.provider_id).toBe("pp_meum_meum_second")
      const invoice = sandbox2().getInvoice(invoiceId)
      expect(invoice).toBeDefined()
      expect(env.sandbox().getInvoice(invoiceId)).toBeUndefined()
      expect(session.data.checkout_url).toBe(`${sandbox2().url}/pay/${invoiceId}`)
      // The cart reference was signed with the second registration's key and verified by its
      // provider: the invoice names the cart (not the session id, the fallback for a bad reference).
      expect(invoice!.external_order_id).toBe(cartId)
      expect(JSON.stringify(session.data)).not.toContain(SECOND_API_KEY)

      await sandbox2().simulate(invoiceId, "paid")
      const paid = await sandbox2().waitForDeliveries(
        (all) => {
          const answered = all.filter((d) => d.invoice_id === invoiceId && d.event_type === "invoice.paid" && d.status_code !== null)
          return answered.some((d) => d.url.endsWith("/hooks/meum")) && answered.some((d) => d.url.endsWith("/hooks/meum/meum_second"))
        },
        { timeoutMs: 60_000 }
      )
      const answers = paid.filter((d) => d.invoice_id === invoiceId && d.event_type === "invoice.paid")
      expect(answers.map((d) => d.status_code)).toEqual(answers.map(() => 200))

      expect(await ordersForCart(getContainer(), cartId)).toHaveLength(1)
      expect(await capturesForCollection(getContainer(), session.payment_collection_id)).toEqual(expect.objectContaining({ payments: 1, captures: 1 }))
      const [row] = await ledger().listMeumInvoices({ invoice_id: invoiceId })
      expect(row).toEqual(expect.objectContaining({ provider_id: "pp_meum_meum_second", state: "completed" }))
      const events = await ledger().listMeumWebhookEvents({ invoice_id: invoiceId, event_type: "invoice.paid" })
      expect(events.map((e: { provider_id: string }) => e.provider_id)).toEqual(events.map(() => "pp_meum_meum_second"))

      // Another paid event, each URL on its own: acknowledged as already done, still one order.
      expect((await postSigned("/hooks/meum/meum_second", invoiceId, SECOND_WEBHOOK_SECRET)).data).toEqual({ received: true, duplicate: true })
      expect((await postSigned("/hooks/meum", invoiceId, SECOND_WEBHOOK_SECRET)).data).toEqual({ received: true, duplicate: true })
      expect(await ordersForCart(getContainer(), cartId)).toHaveLength(1)
    })

    it("/hooks/meum/<id> verifies with that registration's secrets only, and answers 404 for an unknown id", async () => {
      const { cartId, invoiceId } = await cartWithOpenInvoice("pp_meum_meum_second", sandbox2(), 2)
      await payWithWebhooksLost(sandbox2(), invoiceId)

      // Signed with account 1's secret: not account 2's delivery.
      const wrongAccount = await postSigned("/hooks/meum/meum_second", invoiceId, TEST_WEBHOOK_SECRET)
      expect(wrongAccount.status).toBe(401)
      // Account 2's delivery sent to account 1's URL: refused too.
      expect((await postSigned("/hooks/meum/meum", invoiceId, SECOND_WEBHOOK_SECRET)).status).toBe(401)
      const unknown = await postSigned("/hooks/meum/unknown", invoiceId, SECOND_WEBHOOK_SECRET)
      expect(unknown.status).toBe(404)
      expect(unknown.data).toEqual(expect.objectContaining({ received: false }))
      expect(await ordersForCart(getContainer(), cartId)).toEqual([])
      // Counted for the registration the URL named, not stored one row each.
      expect(await ledger().listMeumWebhookEvents({ verdict: "bad_signature" })).toEqual([])
      const [counted] = await ledger().listCounters({ prefix: "webhook_rejected:bad_signature:pp_meum_meum_second", since: new Date(Date.now() - 3_600_000) })
      expect(counted.count).toBe(1)

      // The right secret at the right URL places the order.
      const right = await postSigned("/hooks/meum/meum_second", invoiceId, SECOND_WEBHOOK_SECRET)
      expect(right.status).toBe(200)
      expect(right.data).toEqual({ received: true })
      expect(await ordersForCart(getContainer(), cartId)).toHaveLength(1)
    })

    it("/hooks/meum: a delivery signed with account 1's secret that names account 2's paid invoice changes nothing", async () => {
      const { cartId, invoiceId } = await cartWithOpenInvoice("pp_meum_meum_second", sandbox2(), 2)
      await payWithWebhooksLost(sandbox2(), invoiceId)
      // Account 1 (whose secret signed it) does not know the invoice: acknowledged, not acted on.
      const crossed = await postSigned("/hooks/meum", invoiceId, TEST_WEBHOOK_SECRET)
      expect(crossed.status).toBe(200)
      expect(crossed.data).toEqual({ received: true, ignored: "the invoice is unknown to Meum" })
      expect(await ordersForCart(getContainer(), cartId)).toEqual([])
      // Account 2's own delivery still places it.
      expect((await postSigned("/hooks/meum", invoiceId, SECOND_WEBHOOK_SECRET)).data).toEqual({ received: true })
      expect(await ordersForCart(getContainer(), cartId)).toHaveLength(1)
    })

    /** Counts the HMACs computed over exactly these bytes (spying node:crypto, passing through). */
    function countBodyHmacs(body: Buffer) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const crypto = require("node:crypto") as typeof import("node:crypto")
      const real = crypto.createHmac
      let count = 0
      const spy = jest.spyOn(crypto, "createHmac").mockImplementation(((...args: Parameters<typeof real>) => {
        const hmac = real(...args)
        const update = hmac.update.bind(hmac) as (data: unknown, encoding?: unknown) => typeof hmac
        hmac.update = ((data: unknown, encoding?: unknown) => {
          if (Buffer.isBuffer(data) && data.length === body.length && data.equals(body)) count++
          return update(data, encoding)
        }) as typeof hmac.update
        return hmac
      }) as typeof real)
      return { count: () => count, restore: () => spy.mockRestore() }
    }

    it("/hooks/meum with two registrations: an oversized signature header is refused 400 before any HMAC; a forged one costs one HMAC of the body per distinct secret", async () => {
      const body = Buffer.from(JSON.stringify({ id: "evt_attack", type: "invoice.paid", data: { invoice_id: "inv_x" }, pad: "a".repeat(250_000) }))
      const post = (signature: string) =>
        api.post("/hooks/meum", body, {
          headers: { "content-type": "application/json", "x-stablecoin-timestamp": String(Math.floor(Date.now() / 1000)), "x-stablecoin-signature": signature },
          transformRequest: [(data: Buffer) => data],
          validateStatus: () => true,
        })
      const hmacs = countBodyHmacs(body)
      try {
        const oversized = await post(Array.from({ length: 3500 }, () => "v1=").join(","))
        expect(oversized.status).toBe(400)
        expect(oversized.data).toEqual({ received: false, error: "too_many_signatures" })
        expect(hmacs.count()).toBe(0)

        const forged = await post(Array.from({ length: 5 }, (_, i) => `v1=${String(i).repeat(64)}`).join(","))
        expect(forged.status).toBe(401)
        // Two registrations, two distinct secrets: two HMACs, not values × secrets × (registrations + 1).
        expect(hmacs.count()).toBe(2)

        // A body over the limit (256 kB) is refused on its size.
        const tooLarge = await api.post("/hooks/meum", "x".repeat(300_000), {
          headers: { "content-type": "application/json", "x-stablecoin-timestamp": String(Math.floor(Date.now() / 1000)), "x-stablecoin-signature": "v1=00" },
          transformRequest: [(data: string) => data],
          validateStatus: () => true,
        })
        expect(tooLarge.status).toBe(413)
      } finally {
        hmacs.restore()
      }
    })

    it("the first account still works in the same store", async () => {
      const { cartId, session, invoiceId } = await cartWithOpenInvoice("pp_meum_meum", env.sandbox(), 1)
      expect(session.provider_id).toBe("pp_meum_meum")
      expect(env.sandbox().getInvoice(invoiceId)?.external_order_id).toBe(cartId)
      expect(sandbox2().getInvoice(invoiceId)).toBeUndefined()
      expect(JSON.stringify(session.data)).not.toContain(TEST_API_KEY)

      await env.sandbox().simulate(invoiceId, "paid")
      await env.sandbox().waitForDeliveries(
        (all) => all.some((d) => d.invoice_id === invoiceId && d.event_type === "invoice.paid" && d.status_code === 200),
        { timeoutMs: 60_000 }
      )
      expect(await ordersForCart(getContainer(), cartId)).toHaveLength(1)
      const [row] = await ledger().listMeumInvoices({ invoice_id: invoiceId })
      expect(row).toEqual(expect.objectContaining({ provider_id: "pp_meum_meum", state: "completed" }))
      // Account 1's delivery is not account 2's.
      expect((await postSigned("/hooks/meum/meum_second", invoiceId, TEST_WEBHOOK_SECRET)).status).toBe(401)
    })

    it("the reconcile job sweeps each account: lost webhooks of both accounts end as one order each", async () => {
      const one = await cartWithOpenInvoice("pp_meum_meum", env.sandbox(), 1)
      const two = await cartWithOpenInvoice("pp_meum_meum_second", sandbox2(), 2)
      await payWithWebhooksLost(env.sandbox(), one.invoiceId)
      await payWithWebhooksLost(sandbox2(), two.invoiceId)

      const summary = await runMeumReconcile(getContainer())
      expect(summary.failed).toBe(0)
      expect(summary.captured).toBe(2)
      expect(await ordersForCart(getContainer(), one.cartId)).toHaveLength(1)
      expect(await ordersForCart(getContainer(), two.cartId)).toHaveLength(1)
      const rows = await ledger().listMeumInvoices({ invoice_id: [one.invoiceId, two.invoiceId] })
      expect(Object.fromEntries(rows.map((r: { invoice_id: string; provider_id: string }) => [r.invoice_id, r.provider_id]))).toEqual({
        [one.invoiceId]: "pp_meum_meum",
        [two.invoiceId]: "pp_meum_meum_second",
      })
    })
  },
})
