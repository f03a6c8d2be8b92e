/** No open redirect (issue 18 point 5): a storefront's data.return_url only on an origin the merchant allowed. */
import { parseMeumProviderOptions } from "../../../lib/provider-options"
import { resolveReturnUrl } from "../return-url"

const base = { apiKey: "sk_live_return_url_1", webhookSecret: "whsec_a" }
const ids = { cartId: "cart_1", sessionId: "payses_1" }
const resolve = (options: Record<string, unknown>, requested: unknown) => () => resolveReturnUrl(parseMeumProviderOptions({ ...base, ...options }), requested, ids)

describe("resolveReturnUrl", () => {
  it("refuses any storefront return_url when neither option is configured, naming both options", () => {
    expect(resolve({}, "https://evil.example.net/")).toThrow(/allowedReturnUrlOrigins.*returnUrl|returnUrl.*allowedReturnUrlOrigins/)
    expect(resolve({}, "https://evil.example.net/")).toThrow(expect.objectContaining({ type: "not_allowed" }))
  })

  it("with no allow-list, accepts only the configured returnUrl's origin", () => {
    const options = { returnUrl: "https://shop.example.com/return?cart={cart_id}" }
    expect(resolve(options, "https://shop.example.com/dk/thanks")()).toBe("https://shop.example.com/dk/thanks")
    expect(resolve(options, "https://evil.example.net/")).toThrow(/allowed storefront origin/)
  })

  it("with an allow-list, accepts only its origins", () => {
    const options = { allowedReturnUrlOrigins: ["https://shop.example.com"], returnUrl: "https://other.example.org/return" }
    expect(resolve(options, "https://shop.example.com/thanks")()).toBe("https://shop.example.com/thanks")
    expect(resolve(options, "https://other.example.org/return")).toThrow(/allowedReturnUrlOrigins/)
  })

  it("refuses what is not an http(s) URL", () => {
    expect(resolve({ allowedReturnUrlOrigins: ["https://shop.example.com"] }, "javascript:alert(1)")).toThrow(/http\(s\) URL/)
  })

  it("without a storefront return_url, fills in the configured template, or gives none", () => {
    expect(resolve({ returnUrl: "https://shop.example.com/r?c={cart_id}&s={session_id}" }, undefined)()).toBe("https://shop.example.com/r?c=cart_1&s=payses_1")
    expect(resolve({}, "")()).toBeUndefined()
  })
})
