import { MEUM_CART_FIELDS, MeumCheckoutError, meumRedirectUrl } from ".."
import { fetchError, meumSession, mockSdk, openCart } from "./helpers/mock-sdk"

const returnOptions = { origin: "https://shop.example", countryCode: "dk" }
const RETURN_URL = "https://shop.example/api/meum/return?cart_id=cart_1&country_code=dk"
const fresh = meumSession({ id: "payses_2", status: "pending", data: { checkout_url: "https://pay.meum.example/i/inv_2", invoice_id: "inv_2", return_url: RETURN_URL } })

describe("meumRedirectUrl", () => {
  it("reuses the cart's live Meum session: same amount as the cart total, same return URL (nothing is created)", async () => {
    const { sdk, retrieve, initiatePaymentSession } = mockSdk({ carts: [openCart([meumSession()])] })
    const headers = { authorization: "Bearer jwt" }
    expect(await meumRedirectUrl(sdk, "cart_1", { ...returnOptions, headers })).toBe("https://pay.meum.example/i/inv_1")
    expect(initiatePaymentSession).not.toHaveBeenCalled()
    expect(retrieve).toHaveBeenCalledWith("cart_1", { fields: MEUM_CART_FIELDS }, headers)
  })

  it("initiates a session with the provider id and the built return URL when the cart has none", async () => {
    const cart = openCart([], { payment_collection: undefined })
    const { sdk, initiatePaymentSession } = mockSdk({ carts: [cart], initiated: [fresh] })
    const headers = { authorization: "Bearer jwt" }
    expect(await meumRedirectUrl(sdk, "cart_1", { ...returnOptions, headers })).toBe("https://pay.meum.example/i/inv_2")
    // The js-sdk creates the cart's payment collection first when it has none (it gets the cart).
    expect(initiatePaymentSession).toHaveBeenCalledTimes(1)
    expect(initiatePaymentSession).toHaveBeenCalledWith(cart, { provider_id: "pp_meum_meum", data: { return_url: RETURN_URL } }, undefined, headers)
  })

  it("passes a given returnUrl as is, and none at all when no return option is given (the backend's MEUM_RETURN_URL applies)", async () => {
    const given = mockSdk({ carts: [openCart()], initiated: [fresh] })
    await meumRedirectUrl(given.sdk, "cart_1", { returnUrl: "https://shop.example/custom?c=1" })
    expect(given.initiatePaymentSession.mock.calls[0][1]).toEqual({ provider_id: "pp_meum_meum", data: { return_url: "https://shop.example/custom?c=1" } })

    const none = mockSdk({ carts: [openCart()], initiated: [fresh] })
    await meumRedirectUrl(none.sdk, "cart_1")
    expect(none.initiatePaymentSession.mock.calls[0][1]).toEqual({ provider_id: "pp_meum_meum" })
  })

  it.each([
    ["the cart total changed", meumSession(), { total: 61.5 }],
    ["the invoice has no checkout_url", meumSession({ data: { checkout_url: null } }), {}],
    ["the invoice is closed", meumSession({ data: { status: "expired" } }), {}],
    ["the session is canceled", meumSession({ status: "canceled" }), {}],
    ["the session went back to another return URL", meumSession({ data: { return_url: "https://shop.example/api/meum/return?cart_id=cart_1&country_code=de" } }), {}],
    ["the invoice expires within a minute", meumSession({ data: { expires_at: "2030-01-01T00:00:30.000Z" } }), {}],
  ])("initiates a new session when %s", async (_label, session, cartOverrides) => {
    const { sdk, initiatePaymentSession } = mockSdk({ carts: [openCart([session], cartOverrides)], initiated: [fresh] })
    const url = await meumRedirectUrl(sdk, "cart_1", { ...returnOptions, now: () => Date.parse("2030-01-01T00:00:00.000Z") })
    expect(url).toBe("https://pay.meum.example/i/inv_2")
    expect(initiatePaymentSession).toHaveBeenCalledTimes(1)
  })

  it("keeps an invoice that is valid for longer than minValidityMs", async () => {
    const session = meumSession({ data: { expires_at: "2030-01-01T00:10:00.000Z" } })
    const { sdk, initiatePaymentSession } = mockSdk({ carts: [openCart([session])] })
    expect(await meumRedirectUrl(sdk, "cart_1", { ...returnOptions, now: () => Date.parse("2030-01-01T00:00:00.000Z") })).toBe("https://pay.meum.example/i/inv_1")
    expect(initiatePaymentSession).not.toHaveBeenCalled()
  })

  it("pays with the registration it is given: another Meum registration's live session is not reused", async () => {
    const second = meumSession({ id: "payses_9", provider_id: "pp_meum_meum_second", data: { checkout_url: "https://pay.meum.example/i/inv_9" } })
    const reuse = mockSdk({ carts: [openCart([meumSession(), second])] })
    expect(await meumRedirectUrl(reuse.sdk, "cart_1", { ...returnOptions, providerId: "pp_meum_meum_second" })).toBe("https://pay.meum.example/i/inv_9")

    const create = mockSdk({ carts: [openCart([meumSession()])], initiated: [fresh] })
    await meumRedirectUrl(create.sdk, "cart_1", { ...returnOptions, providerId: "pp_meum_meum_second" })
    expect(create.initiatePaymentSession.mock.calls[0][1]).toEqual(expect.objectContaining({ provider_id: "pp_meum_meum_second" }))
  })

  it("throws invoice_not_payable when Meum gives the new session no checkout_url", async () => {
    const { sdk } = mockSdk({ carts: [openCart()], initiated: [meumSession({ data: { checkout_url: null } })] })
    await expect(meumRedirectUrl(sdk, "cart_1", returnOptions)).rejects.toEqual(expect.objectContaining({ name: "MeumCheckoutError", code: "invoice_not_payable" }))
  })

  it("turns the store's 4xx on initiate into a MeumCheckoutError with the server's message (issue 18 point 5)", async () => {
    const { sdk, initiatePaymentSession } = mockSdk({ carts: [openCart()] })
    initiatePaymentSession.mockRejectedValueOnce(fetchError(400, 'data.return_url is not on an allowed storefront origin (provider option "allowedReturnUrlOrigins").'))
    await expect(meumRedirectUrl(sdk, "cart_1", returnOptions)).rejects.toEqual(
      expect.objectContaining({ name: "MeumCheckoutError", code: "payment_refused", status: 400, message: expect.stringContaining("allowed storefront origin") })
    )
  })

  it("never redirects to a checkout_url that is not https, and does not reuse a session holding one (issue 18 point 6)", async () => {
    const insecure = meumSession({ data: { checkout_url: "http://pay.meum.example/i/inv_1" } })
    const { sdk, initiatePaymentSession } = mockSdk({ carts: [openCart([insecure])], initiated: [insecure] })
    await expect(meumRedirectUrl(sdk, "cart_1", returnOptions)).rejects.toEqual(expect.objectContaining({ code: "invoice_not_payable" }))
    expect(initiatePaymentSession).toHaveBeenCalledTimes(1)
  })

  it("throws cart_completed for a cart that is already an order, and creates nothing", async () => {
    const { sdk, initiatePaymentSession } = mockSdk({ carts: [openCart([meumSession()], { completed_at: "2030-01-01T00:00:00.000Z" })] })
    const error = await meumRedirectUrl(sdk, "cart_1", returnOptions).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MeumCheckoutError)
    expect((error as MeumCheckoutError).code).toBe("cart_completed")
    expect(initiatePaymentSession).not.toHaveBeenCalled()
  })

  it("throws cart_not_found for an unknown cart, and lets other failures through", async () => {
    const missing = mockSdk()
    missing.retrieve.mockRejectedValueOnce(fetchError(404, "Cart with id: cart_1 was not found"))
    await expect(meumRedirectUrl(missing.sdk, "cart_1")).rejects.toEqual(expect.objectContaining({ code: "cart_not_found" }))

    const down = mockSdk()
    down.retrieve.mockRejectedValueOnce(fetchError(500, "boom"))
    await expect(meumRedirectUrl(down.sdk, "cart_1")).rejects.toEqual(expect.objectContaining({ status: 500 }))
  })
})
