/** The storefront helper with the real @medusajs/js-sdk against a local server answering like Medusa's store API. */
import Medusa from "@medusajs/js-sdk"
import { startScriptedServer, type ScriptedServer, type Answer } from "../../lib/meum/__tests__/helpers/scripted-server"
import { completeMeumCheckout, startMeumCheckout } from "../meum-checkout"
import { MeumCheckoutError } from "../errors"

let server: ScriptedServer
let sdk: Medusa
let sleeps: number[]
let clock: number

beforeEach(async () => {
  server = await startScriptedServer()
  sdk = new Medusa({ baseUrl: server.url, publishableKey: "pk_test", logger: { error() {}, warn() {}, info() {}, debug() {} } as any })
  sleeps = []
  clock = 0
})
afterEach(() => server.close())

const fakeSleep = async (ms: number) => {
  sleeps.push(ms)
  clock += ms
}
const options = { sleep: fakeSleep, now: () => clock, pollIntervalMs: 1000, maxWaitMs: 5000 }

const notAuthorized: Answer = { status: 400, body: { type: "not_allowed", message: "Session: payses_1 was not authorized with the provider." } }
const cartWithSession = (status: string): Answer => ({
  status: 200,
  body: { cart: { id: "cart_1", completed_at: null, payment_collection: { payment_sessions: [{ id: "payses_1", provider_id: "pp_meum_meum", status }] } } },
})
const order: Answer = { status: 200, body: { type: "order", order: { id: "order_1" } } }
const routeBy = (routes: Record<string, Answer[]>) => (req: { method: string; url: string }) => {
  const key = `${req.method} ${req.url.split("?")[0]}`
  const queue = routes[key]
  if (!queue?.length) return { status: 404, body: { message: `unexpected ${key}` } }
  return queue.length > 1 ? queue.shift()! : queue[0]
}

describe("startMeumCheckout", () => {
  it("creates the Meum session with the return URL and hands back the checkout URL", async () => {
    server.answer(
      routeBy({
        "POST /store/payment-collections/pay_col_1/payment-sessions": [
          {
            status: 200,
            body: { payment_collection: { id: "pay_col_1", payment_sessions: [{ id: "payses_1", provider_id: "pp_meum_meum", data: { checkout_url: "https://meum.example/pay/inv_1", invoice_id: "inv_1", expires_at: "2099-01-01T00:00:00.000Z" } }] } },
          },
        ],
      })
    )
    const started = await startMeumCheckout(sdk, { id: "cart_1", payment_collection: { id: "pay_col_1" } }, { returnUrl: "https://shop/return" })
    expect(started).toEqual({ checkoutUrl: "https://meum.example/pay/inv_1", sessionId: "payses_1", invoiceId: "inv_1", expiresAt: "2099-01-01T00:00:00.000Z" })
    expect(JSON.parse(server.requests[0].body)).toEqual({ provider_id: "pp_meum_meum", data: { return_url: "https://shop/return" } })
    expect(server.requests[0].headers["x-publishable-api-key"]).toBe("pk_test")
  })
})

describe("startMeumCheckout when the store refuses (issue 18 points 5, 6)", () => {
  const collection = (checkoutUrl: string): Answer => ({
    status: 200,
    body: { payment_collection: { id: "pay_col_1", payment_sessions: [{ id: "payses_1", provider_id: "pp_meum_meum", data: { checkout_url: checkoutUrl, invoice_id: "inv_1" } }] } },
  })

  it("turns the store's 4xx into a MeumCheckoutError carrying the server's message, for the storefront's catch to show", async () => {
    const message = 'This store does not accept a return URL from the storefront: its Meum provider options set neither "allowedReturnUrlOrigins" nor "returnUrl".'
    server.answer(routeBy({ "POST /store/payment-collections/pay_col_1/payment-sessions": [{ status: 400, body: { type: "not_allowed", message } }] }))
    const error = await startMeumCheckout(sdk, { id: "cart_1", payment_collection: { id: "pay_col_1" } }, { returnUrl: "https://evil.example/" }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MeumCheckoutError)
    expect(error).toMatchObject({ code: "payment_refused", message, status: 400 })
  })

  it("lets a 5xx through as it is", async () => {
    server.answer(routeBy({ "POST /store/payment-collections/pay_col_1/payment-sessions": [{ status: 500, body: { message: "boom" } }] }))
    const error = await startMeumCheckout(sdk, { id: "cart_1", payment_collection: { id: "pay_col_1" } }).catch((e: unknown) => e)
    expect(error).not.toBeInstanceOf(MeumCheckoutError)
    expect(error).toMatchObject({ status: 500 })
  })

  it.each(["http://pay.meum.example/inv_1", "javascript:alert(1)", "//evil.example/x"])("never hands back a checkout_url that is not https (%s)", async (checkoutUrl) => {
    server.answer(routeBy({ "POST /store/payment-collections/pay_col_1/payment-sessions": [collection(checkoutUrl)] }))
    await expect(startMeumCheckout(sdk, { id: "cart_1", payment_collection: { id: "pay_col_1" } })).rejects.toMatchObject({ name: "MeumCheckoutError", code: "invoice_not_payable" })
  })

  it("accepts http on this machine (the local sandbox)", async () => {
    server.answer(routeBy({ "POST /store/payment-collections/pay_col_1/payment-sessions": [collection("http://127.0.0.1:9100/checkout/inv_1")] }))
    expect((await startMeumCheckout(sdk, { id: "cart_1", payment_collection: { id: "pay_col_1" } })).checkoutUrl).toBe("http://127.0.0.1:9100/checkout/inv_1")
  })
})

describe("startMeumCheckout on a revisit", () => {
  const session = (overrides: Record<string, unknown> = {}) => ({
    id: "payses_1",
    provider_id: "pp_meum_meum",
    status: "pending",
    amount: 41,
    data: { checkout_url: "https://meum.example/pay/inv_1", invoice_id: "inv_1", status: "awaiting_payment", expires_at: null },
    ...overrides,
  })
  const created: Answer = {
    status: 200,
    body: { payment_collection: { id: "pay_col_1", payment_sessions: [session({ id: "payses_2", data: { checkout_url: "https://meum.example/pay/inv_2", invoice_id: "inv_2" } })] } },
  }

  it("reuses the open invoice when the cart's amount did not change: nothing is created or cancelled (ledger issue)", async () => {
    server.answer(routeBy({ "POST /store/payment-collections/pay_col_1/payment-sessions": [created] }))
    const started = await startMeumCheckout(sdk, { id: "cart_1", payment_collection: { id: "pay_col_1", amount: 41, payment_sessions: [session()] } })
    expect(started).toEqual(expect.objectContaining({ checkoutUrl: "https://meum.example/pay/inv_1", invoiceId: "inv_1", reused: true }))
    expect(server.requests).toEqual([])
  })

  it.each([
    ["the amount changed", { amount: 41 }, 61.5],
    ["the invoice is closed", { data: { checkout_url: null, invoice_id: "inv_1", status: "expired" } }, 41],
    // (a requires_more session is held for the merchant: never started again, see refusals.unit.spec.ts)
    ["the session errored", { status: "error", data: { checkout_url: null, invoice_id: "inv_1", status: "failed" } }, 41],
  ])("starts a new session when %s", async (_label, overrides, collectionAmount) => {
    server.answer(routeBy({ "POST /store/payment-collections/pay_col_1/payment-sessions": [created] }))
    const started = await startMeumCheckout(sdk, { id: "cart_1", payment_collection: { id: "pay_col_1", amount: collectionAmount, payment_sessions: [session(overrides)] } })
    expect(started.invoiceId).toBe("inv_2")
    expect(server.requests).toHaveLength(1)
  })
})

describe("completeMeumCheckout", () => {
  it("returns the order at once when the cart completes", async () => {
    server.answer(routeBy({ "POST /store/carts/cart_1/complete": [order] }))
    expect(await completeMeumCheckout(sdk, "cart_1", options)).toEqual({ kind: "order", order: { id: "order_1" } })
    expect(sleeps).toEqual([])
  })

  it("polls while the payment is unconfirmed (400), then returns the order", async () => {
    server.answer(
      routeBy({
        "POST /store/carts/cart_1/complete": [notAuthorized, notAuthorized, order],
        "GET /store/carts/cart_1": [cartWithSession("pending")],
      })
    )
    expect(await completeMeumCheckout(sdk, "cart_1", options)).toEqual({ kind: "order", order: { id: "order_1" } })
    expect(sleeps).toEqual([1000, 1000])
  })

  it("retries on 409 (the webhook is completing the cart right now)", async () => {
    server.answer(routeBy({ "POST /store/carts/cart_1/complete": [{ status: 409, body: { message: "Cart is already being completed by another request" } }, order] }))
    expect((await completeMeumCheckout(sdk, "cart_1", options)).kind).toBe("order")
    expect(sleeps).toEqual([1000])
  })

  it("answers pending once the bound is reached", async () => {
    server.answer(routeBy({ "POST /store/carts/cart_1/complete": [notAuthorized], "GET /store/carts/cart_1": [cartWithSession("pending")] }))
    expect(await completeMeumCheckout(sdk, "cart_1", options)).toEqual({ kind: "pending" })
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(5000)
  })

  it("keeps an underpaid session for the merchant: its own outcome, never 'start again' (ledger issue, defect 6)", async () => {
    server.answer(routeBy({ "POST /store/carts/cart_1/complete": [notAuthorized], "GET /store/carts/cart_1": [cartWithSession("requires_more")] }))
    expect(await completeMeumCheckout(sdk, "cart_1", options)).toEqual({ kind: "underpaid", message: expect.stringContaining("store will contact you") })
  })

  it.each([
    ["canceled", "invoice_closed"],
    ["error", "payment_failed"],
  ])("asks to start again when the session is %s", async (sessionStatus, reason) => {
    server.answer(routeBy({ "POST /store/carts/cart_1/complete": [notAuthorized], "GET /store/carts/cart_1": [cartWithSession(sessionStatus)] }))
    expect(await completeMeumCheckout(sdk, "cart_1", options)).toEqual({ kind: "restart", reason })
  })

  it("reports a cart-level error answer (200 {type: cart}) as restart", async () => {
    server.answer(routeBy({ "POST /store/carts/cart_1/complete": [{ status: 200, body: { type: "cart", cart: { id: "cart_1" }, error: { message: "Payment authorization failed" } } }] }))
    expect(await completeMeumCheckout(sdk, "cart_1", options)).toEqual({ kind: "restart", reason: "cart_error", message: "Payment authorization failed" })
  })

  it("rethrows other failures", async () => {
    server.answer(routeBy({ "POST /store/carts/cart_1/complete": [{ status: 500, body: { message: "boom" } }] }))
    await expect(completeMeumCheckout(sdk, "cart_1", options)).rejects.toMatchObject({ status: 500 })
  })
})
