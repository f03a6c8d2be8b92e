import { attemptMeumCompletion, CLOSED_MESSAGES, completeMeumCheckout, HELD_MESSAGES } from ".."
import { fetchError, meumSession, mockSdk, openCart } from "./helpers/mock-sdk"

const notAuthorized = () => fetchError(400, "Session: payses_1 was not authorized with the provider.")
const placed = { type: "order" as const, order: { id: "order_1", shipping_address: { country_code: "dk" } } }

describe("attemptMeumCompletion", () => {
  it("answers the order (id and shipping country) when the cart completes, with the given headers", async () => {
    const { sdk, complete } = mockSdk({ completes: [placed] })
    expect(await attemptMeumCompletion(sdk, "cart_1", { headers: { authorization: "Bearer jwt" } })).toEqual({ kind: "order", orderId: "order_1", countryCode: "dk" })
    expect(complete).toHaveBeenCalledWith("cart_1", undefined, { authorization: "Bearer jwt" })
  })

  it("answers countryCode null for an order without a shipping address", async () => {
    const { sdk } = mockSdk({ completes: [{ type: "order", order: { id: "order_2" } }] })
    expect(await attemptMeumCompletion(sdk, "cart_1")).toEqual({ kind: "order", orderId: "order_2", countryCode: null })
  })

  it.each([
    ["HTTP 409", fetchError(409, "Conflict")],
    ["an 'already being completed' answer", fetchError(400, "Cart is already being completed by another request")],
  ])("answers in_progress for %s (the webhook holds the cart), without reading it", async (_label, error) => {
    const { sdk, retrieve } = mockSdk({ completes: [error] })
    expect(await attemptMeumCompletion(sdk, "cart_1")).toEqual({ kind: "in_progress" })
    expect(retrieve).not.toHaveBeenCalled()
  })

  it.each(["pending", "pending_authorization"])("answers not_paid_yet on 400 while the session is %s", async (status) => {
    const { sdk, complete } = mockSdk({ completes: [notAuthorized()], carts: [openCart([meumSession({ status })])] })
    expect(await attemptMeumCompletion(sdk, "cart_1")).toEqual({ kind: "not_paid_yet" })
    expect(complete).toHaveBeenCalledTimes(1)
  })

  it("answers underpaid (held for the merchant, with what was paid) for a requires_more session", async () => {
    const { sdk } = mockSdk({ completes: [notAuthorized()], carts: [openCart([meumSession({ status: "requires_more", data: { paid_amount: "30.00" } })])] })
    expect(await attemptMeumCompletion(sdk, "cart_1")).toEqual({ kind: "underpaid", message: HELD_MESSAGES.underpaid, paidAmount: "30.00" })
  })

  it("answers under_review for a paid invoice that does not match the session", async () => {
    const { sdk } = mockSdk({ completes: [notAuthorized()], carts: [openCart([meumSession({ status: "error", data: { meum_flag: "amount_mismatch" } })])] })
    expect(await attemptMeumCompletion(sdk, "cart_1")).toEqual({ kind: "under_review", message: HELD_MESSAGES.under_review })
  })

  it.each([
    ["canceled", [meumSession({ status: "canceled" })], "invoice_closed"],
    ["error", [meumSession({ status: "error" })], "payment_failed"],
    ["missing", [], "session_missing"],
  ] as const)("answers closed (start again) when the session is %s", async (_label, sessions, reason) => {
    const { sdk } = mockSdk({ completes: [notAuthorized()], carts: [openCart([...sessions])] })
    expect(await attemptMeumCompletion(sdk, "cart_1")).toEqual({ kind: "closed", reason, message: CLOSED_MESSAGES[reason] })
  })

  it("reads the session of the registration it is given", async () => {
    const sessions = [meumSession({ status: "canceled" }), meumSession({ id: "payses_2", provider_id: "pp_meum_meum_second", status: "pending" })]
    const { sdk } = mockSdk({ completes: [notAuthorized()], carts: [openCart(sessions)] })
    expect(await attemptMeumCompletion(sdk, "cart_1", { providerId: "pp_meum_meum_second" })).toEqual({ kind: "not_paid_yet" })
  })

  it("answers closed cart_error, with Medusa's message as detail, for a 200 {type: cart, error}", async () => {
    const { sdk } = mockSdk({ completes: [{ type: "cart", cart: { id: "cart_1" }, error: { message: "Payment authorization failed" } }] })
    expect(await attemptMeumCompletion(sdk, "cart_1")).toEqual({ kind: "closed", reason: "cart_error", message: CLOSED_MESSAGES.cart_error, detail: "Payment authorization failed" })
  })

  it("returns the order when the webhook completed the cart meanwhile (completing a completed cart answers its order)", async () => {
    const { sdk, complete } = mockSdk({ completes: [notAuthorized(), placed], carts: [openCart([meumSession({ status: "authorized" })], { completed_at: "2030-01-01T00:00:00.000Z" })] })
    expect(await attemptMeumCompletion(sdk, "cart_1")).toEqual({ kind: "order", orderId: "order_1", countryCode: "dk" })
    expect(complete).toHaveBeenCalledTimes(2)
  })

  it("answers in_progress (never loops) when a completed cart still does not answer its order", async () => {
    const { sdk, complete } = mockSdk({ completes: [notAuthorized()], carts: [openCart([], { completed_at: "2030-01-01T00:00:00.000Z" })] })
    expect(await attemptMeumCompletion(sdk, "cart_1")).toEqual({ kind: "in_progress" })
    expect(complete).toHaveBeenCalledTimes(2)
  })

  it("throws other HTTP failures as they come", async () => {
    const { sdk } = mockSdk({ completes: [fetchError(500, "boom")] })
    await expect(attemptMeumCompletion(sdk, "cart_1")).rejects.toEqual(expect.objectContaining({ status: 500 }))
  })
})

describe("completeMeumCheckout over attemptMeumCompletion", () => {
  const sleeps: number[] = []
  let clock = 0
  const options = { sleep: async (ms: number) => void (sleeps.push(ms), (clock += ms)), now: () => clock, pollIntervalMs: 1000, maxWaitMs: 5000 }
  beforeEach(() => {
    sleeps.length = 0
    clock = 0
  })

  it("waits between attempts while in progress, then returns the order object", async () => {
    const { sdk } = mockSdk({ completes: [fetchError(409, "Conflict"), notAuthorized(), placed], carts: [openCart([meumSession()])] })
    expect(await completeMeumCheckout(sdk, "cart_1", options)).toEqual({ kind: "order", order: placed.order })
    expect(sleeps).toEqual([1000, 1000])
  })

  it("sleeps (does not spin) while a completed cart does not answer its order, then answers pending at the bound", async () => {
    const { sdk } = mockSdk({ completes: [notAuthorized()], carts: [openCart([], { completed_at: "2030-01-01T00:00:00.000Z" })] })
    expect(await completeMeumCheckout(sdk, "cart_1", options)).toEqual({ kind: "pending" })
    expect(sleeps).toEqual([1000, 1000, 1000, 1000, 1000])
  })

  it("maps closed to restart with Medusa's message, and keeps underpaid as its own outcome", async () => {
    const closed = mockSdk({ completes: [{ type: "cart", cart: {}, error: { message: "nope" } }] })
    expect(await completeMeumCheckout(closed.sdk, "cart_1", options)).toEqual({ kind: "restart", reason: "cart_error", message: "nope" })
    const held = mockSdk({ completes: [notAuthorized()], carts: [openCart([meumSession({ status: "requires_more", data: { paid_amount: "30.00" } })])] })
    expect(await completeMeumCheckout(held.sdk, "cart_1", options)).toEqual({ kind: "underpaid", paidAmount: "30.00", message: HELD_MESSAGES.underpaid })
  })
})
