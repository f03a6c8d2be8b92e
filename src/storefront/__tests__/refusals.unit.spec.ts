/** Issue 18 point 2/3: the helpers never initiate for a paid or held cart, and show the server's refusals. */
import { MeumCheckoutError, meumRedirectUrl, startMeumCheckout, SESSION_REFUSED_MESSAGES } from ".."
import { SHOPPER_MESSAGES } from "../../lib/medusa-errors"
import { fetchError, meumSession, mockSdk, openCart } from "./helpers/mock-sdk"

const codeOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => undefined, (e) => e)
  expect(error).toBeInstanceOf(MeumCheckoutError)
  return (error as MeumCheckoutError).code
}

describe("storefront helpers before they initiate", () => {
  it.each([
    ["captured", "paid", "already_paid"],
    ["authorized", "paid", "already_paid"],
    ["requires_more", "underpaid", "under_review"],
  ] as const)("a %s Meum session (invoice %s) → %s, nothing initiated (meumRedirectUrl)", async (status, invoiceStatus, code) => {
    const { sdk, initiatePaymentSession } = mockSdk({ carts: [openCart([meumSession({ status, data: { status: invoiceStatus, checkout_url: null } })])] })
    expect(await codeOf(meumRedirectUrl(sdk, "cart_1"))).toBe(code)
    expect(initiatePaymentSession).not.toHaveBeenCalled()
  })

  it("an underpaid invoice on a still-pending session (the return has not completed yet) → under_review, nothing initiated", async () => {
    const { sdk, initiatePaymentSession } = mockSdk({ carts: [openCart([meumSession({ data: { status: "underpaid", checkout_url: null } })])] })
    expect(await codeOf(meumRedirectUrl(sdk, "cart_1"))).toBe("under_review")
    expect(initiatePaymentSession).not.toHaveBeenCalled()
  })

  it("a rejected underpayment (session canceled, its data still says underpaid) does not block: the cart is payable again", async () => {
    const { sdk, initiatePaymentSession } = mockSdk({ carts: [openCart([meumSession({ status: "canceled", data: { status: "underpaid", checkout_url: null } })])] })
    await meumRedirectUrl(sdk, "cart_1").catch(() => undefined)
    expect(initiatePaymentSession).toHaveBeenCalledTimes(1)
  })

  it("startMeumCheckout: a completed cart or a held session is never initiated", async () => {
    const completed = mockSdk()
    expect(await codeOf(startMeumCheckout(completed.sdk, openCart([], { completed_at: "2026-12-01T00:00:00Z" })))).toBe("cart_completed")
    const held = mockSdk()
    expect(await codeOf(startMeumCheckout(held.sdk, openCart([meumSession({ status: "requires_more" })])))).toBe("under_review")
    expect(completed.initiatePaymentSession).not.toHaveBeenCalled()
    expect(held.initiatePaymentSession).not.toHaveBeenCalled()
  })
})

describe("storefront helpers map the store's refusals", () => {
  it.each([
    [400, SHOPPER_MESSAGES.alreadyPaid, "already_paid"],
    [400, SHOPPER_MESSAGES.underReview, "under_review"],
    [400, SHOPPER_MESSAGES.refundPending, "refund_pending"],
    [429, SHOPPER_MESSAGES.cartBudget, "too_many_attempts"],
    [400, SHOPPER_MESSAGES.orderCanceled, "order_canceled"],
  ] as const)("HTTP %s %s → %s with the server's message (both helpers)", async (status, message, code) => {
    const redirect = mockSdk({ carts: [openCart()], initiated: [fetchError(status, message)] })
    const error = await meumRedirectUrl(redirect.sdk, "cart_1").then(() => undefined, (e) => e)
    expect(error).toEqual(expect.objectContaining({ code, message }))
    const start = mockSdk({ initiated: [fetchError(status, message)] })
    expect(await codeOf(startMeumCheckout(start.sdk, openCart()))).toBe(code)
  })

  it("any other store 4xx stays payment_refused with its message", async () => {
    const { sdk } = mockSdk({ carts: [openCart()], initiated: [fetchError(400, "Meum: USD prices only")] })
    await expect(meumRedirectUrl(sdk, "cart_1")).rejects.toEqual(expect.objectContaining({ code: "payment_refused", message: "Meum: USD prices only" }))
  })

  it("knows the server's texts (the storefront bundle imports nothing of the server)", () => {
    expect(SESSION_REFUSED_MESSAGES).toEqual({
      already_paid: SHOPPER_MESSAGES.alreadyPaid,
      under_review: SHOPPER_MESSAGES.underReview,
      refund_pending: SHOPPER_MESSAGES.refundPending,
      too_many_attempts: SHOPPER_MESSAGES.cartBudget,
      order_canceled: SHOPPER_MESSAGES.orderCanceled,
    })
  })
})
