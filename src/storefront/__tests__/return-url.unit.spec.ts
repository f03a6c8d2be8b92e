import { buildMeumReturnUrl, MeumReturnUrlError, parseMeumReturnUrl } from ".."

const CART = "cart_01JZ8Q4W5N3T7Y2K9M6B1C0XDA"

describe("buildMeumReturnUrl", () => {
  it("puts the cart id and the country code in the query of the default /api route", () => {
    const url = new URL(buildMeumReturnUrl({ origin: "https://shop.example", countryCode: "dk", cartId: CART }))
    expect(url.origin + url.pathname).toBe("https://shop.example/api/meum/return")
    expect(url.searchParams.get("cart_id")).toBe(CART)
    expect(url.searchParams.get("country_code")).toBe("dk")
  })

  it("takes only the origin of what it is given, and a custom path; lower-cases the country", () => {
    expect(buildMeumReturnUrl({ origin: "http://localhost:8000/dk/checkout?step=payment", countryCode: "DE", cartId: CART, path: "/de/meum/return" })).toBe(
      `http://localhost:8000/de/meum/return?cart_id=${CART}&country_code=de`
    )
  })

  it.each([
    [{ origin: "https://shop.example", countryCode: "dk", cartId: "cart_1&cart_id=cart_2" }, "invalid_cart_id"],
    [{ origin: "https://shop.example", countryCode: "dk", cartId: "order_1" }, "invalid_cart_id"],
    [{ origin: "https://shop.example", countryCode: "dnk", cartId: CART }, "invalid_country_code"],
    [{ origin: "javascript:alert(1)", countryCode: "dk", cartId: CART }, "invalid_input"],
    [{ origin: "shop.example", countryCode: "dk", cartId: CART }, "invalid_input"],
    [{ origin: "https://shop.example", countryCode: "dk", cartId: CART, path: "//evil.example/x" }, "invalid_input"],
  ])("refuses %j (%s)", (input, code) => {
    expect(() => buildMeumReturnUrl(input)).toThrow(MeumReturnUrlError)
    expect(() => buildMeumReturnUrl(input)).toThrow(expect.objectContaining({ code }))
  })
})

describe("parseMeumReturnUrl", () => {
  it("reads back what buildMeumReturnUrl wrote, from a string or a URL", () => {
    const built = buildMeumReturnUrl({ origin: "https://shop.example", countryCode: "us", cartId: CART })
    expect(parseMeumReturnUrl(built)).toEqual({ ok: true, cartId: CART, countryCode: "us" })
    expect(parseMeumReturnUrl(new URL(built))).toEqual({ ok: true, cartId: CART, countryCode: "us" })
  })

  it("accepts a path with its query (as a route handler may see it), and lower-cases the country", () => {
    expect(parseMeumReturnUrl(`/api/meum/return?cart_id=${CART}&country_code=DK`)).toEqual({ ok: true, cartId: CART, countryCode: "dk" })
  })

  it("falls back to the two-letter first path segment for the country", () => {
    expect(parseMeumReturnUrl(`https://shop.example/fr/meum/return?cart_id=${CART}`)).toEqual({ ok: true, cartId: CART, countryCode: "fr" })
  })

  it.each([
    [`https://shop.example/api/meum/return?country_code=dk`, "invalid_cart_id"],
    [`https://shop.example/api/meum/return?cart_id=cart_1%27%3B--&country_code=dk`, "invalid_cart_id"],
    [`https://shop.example/api/meum/return?cart_id=${CART}`, "invalid_country_code"],
    [`https://shop.example/api/meum/return?cart_id=${CART}&country_code=d1`, "invalid_country_code"],
    [`http://[::1`, "invalid_url"],
  ])("answers a typed error for %s", (url, code) => {
    const parsed = parseMeumReturnUrl(url)
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.error).toBeInstanceOf(MeumReturnUrlError)
    expect(parsed.error.code).toBe(code)
  })
})
