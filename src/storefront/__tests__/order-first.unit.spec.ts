import { completeThenRedirect, MeumCheckoutError } from ".."
import { fetchError, meumSession, mockSdk, openCart } from "./helpers/mock-sdk"

const COMPLETED = "2030-01-01T00:00:00.000Z"
const placed = { type: "order" as const, order: { id: "order_1", shipping_address: { country_code: "dk" } } }
const awaiting = (overrides: Record<string, any> = {}) => meumSession({ status: "pending_authorization", ...overrides })
const returnOptions = { origin: "https://shop.example", countryCode: "dk" }

describe("completeThenRedirect (order-first)", () => {
  it("completes the cart, then returns the order and the checkout_url of its live session (nothing created)", async () => {
    const { sdk, complete, initiatePaymentSession } = mockSdk({ carts: [openCart([awaiting()])], completes: [placed] })
    expect(await completeThenRedirect(sdk, "cart_1", returnOptions)).toEqual({ orderId: "order_1", redirectUrl: "https://pay.meum.example/i/inv_1", countryCode: "dk" })
    expect(initiatePaymentSession).not.toHaveBeenCalled()
    expect(complete).toHaveBeenCalledTimes(1)
  })

  it("initiates the session before completing when the cart has none", async () => {
    const fresh = awaiting({ id: "payses_2", data: { checkout_url: "https://pay.meum.example/i/inv_2", invoice_id: "inv_2" } })
    const { sdk, complete, initiatePaymentSession } = mockSdk({ carts: [openCart([])], initiated: [fresh], completes: [placed] })
    expect(await completeThenRedirect(sdk, "cart_1", returnOptions)).toEqual(expect.objectContaining({ orderId: "order_1", redirectUrl: "https://pay.meum.example/i/inv_2" }))
    expect(initiatePaymentSession.mock.invocationCallOrder[0]).toBeLessThan(complete.mock.invocationCallOrder[0])
  })

  it("creates one invoice however often it is called: a second call reads the completed cart's session", async () => {
    const fresh = awaiting({ id: "payses_2", data: { checkout_url: "https://pay.meum.example/i/inv_2", invoice_id: "inv_2" } })
    const completedCart = openCart([fresh], { completed_at: COMPLETED })
    const { sdk, initiatePaymentSession } = mockSdk({ carts: [openCart([]), completedCart], initiated: [fresh], completes: [placed] })
    const first = await completeThenRedirect(sdk, "cart_1", returnOptions)
    const second = await completeThenRedirect(sdk, "cart_1", returnOptions)
    expect(second).toEqual(first)
    expect(initiatePaymentSession).toHaveBeenCalledTimes(1)
  })

  it("refuses a pay-first session (status pending) before completing anything", async () => {
    const { sdk, complete } = mockSdk({ carts: [openCart([meumSession({ status: "pending" })])], completes: [placed] })
    await expect(completeThenRedirect(sdk, "cart_1", returnOptions)).rejects.toEqual(expect.objectContaining({ code: "not_order_first" }))
    expect(complete).not.toHaveBeenCalled()
  })

  it("throws invoice_not_payable for a completed cart whose invoice is dead (there is no 'pay again' for an order)", async () => {
    const { sdk, complete } = mockSdk({ carts: [openCart([awaiting({ status: "canceled", data: { status: "expired" } })], { completed_at: COMPLETED })] })
    const error = await completeThenRedirect(sdk, "cart_1", returnOptions).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MeumCheckoutError)
    expect((error as MeumCheckoutError).code).toBe("invoice_not_payable")
    expect(complete).not.toHaveBeenCalled()
  })

  it.each([
    ["completion_in_progress", fetchError(409, "Conflict")],
    ["not_order_first", fetchError(400, "Session: payses_1 was not authorized with the provider.")],
    ["completion_failed", { type: "cart" as const, cart: {}, error: { message: "Payment authorization failed" } }],
  ])("throws %s when Medusa does not place the order", async (code, answer) => {
    const { sdk } = mockSdk({ carts: [openCart([awaiting()])], completes: [answer] })
    await expect(completeThenRedirect(sdk, "cart_1", returnOptions)).rejects.toEqual(expect.objectContaining({ name: "MeumCheckoutError", code }))
  })
})
