/**
 * The URL Meum sends the shopper back to. It carries the cart id and the country code itself: the
 * starter's `_medusa_cart_id` cookie is `SameSite=strict`, so it is not sent on a navigation that
 * Meum's page starts (nor on its redirects). The cart id is a capability: never render cart data on
 * a page Meum can see, only complete the cart and redirect.
 */
import { z } from "zod"

/**
 * Default path: a Next.js route handler under /api (outside the starter's country-prefix middleware
 * matcher, so nothing redirects it and drops the query).
 */
export const MEUM_RETURN_PATH = "/api/meum/return"

const cartId = z.string().regex(/^cart_[0-9A-Za-z]{1,64}$/, "not a Medusa cart id")
const countryCode = z
  .string()
  .transform((value) => value.toLowerCase())
  .pipe(z.string().regex(/^[a-z]{2}$/, "not a two-letter country code"))
const origin = z.url({ protocol: /^https?$/, error: "not an http(s) origin" })
const path = z.string().regex(/^\/(?!\/)[^?#]*$/, "not an absolute path (no query or fragment)")

const buildInput = z.object({ origin, countryCode, cartId, path: path.optional() })
const returnQuery = z.object({ cartId, countryCode })

export type MeumReturnUrlErrorCode = "invalid_url" | "invalid_cart_id" | "invalid_country_code" | "invalid_input"

export class MeumReturnUrlError extends Error {
  override readonly name = "MeumReturnUrlError"
  constructor(
    readonly code: MeumReturnUrlErrorCode,
    message: string
  ) {
    super(message)
  }
}

export type MeumReturnParse = { ok: true; cartId: string; countryCode: string } | { ok: false; error: MeumReturnUrlError }

const errorOf = (issues: z.ZodError["issues"]): MeumReturnUrlError => {
  const first = issues[0]
  const field = String(first?.path[0] ?? "")
  const code: MeumReturnUrlErrorCode = field === "cartId" ? "invalid_cart_id" : field === "countryCode" ? "invalid_country_code" : "invalid_input"
  return new MeumReturnUrlError(code, `Meum return URL: ${field || "input"} is ${first?.message ?? "invalid"}`)
}

/**
 * `https://shop.example/api/meum/return?cart_id=cart_…&country_code=dk` (or `path`, e.g.
 * `/dk/meum/return`). Pass it as the session's `return_url`. Throws MeumReturnUrlError on bad input.
 */
export function buildMeumReturnUrl(input: { origin: string; countryCode: string; cartId: string; path?: string }): string {
  const parsed = buildInput.safeParse(input)
  if (!parsed.success) throw errorOf(parsed.error.issues)
  const url = new URL(parsed.data.path ?? MEUM_RETURN_PATH, new URL(parsed.data.origin).origin)
  url.searchParams.set("cart_id", parsed.data.cartId)
  url.searchParams.set("country_code", parsed.data.countryCode)
  return url.toString()
}

/**
 * Reads the cart id and country code back from the return request's URL (absolute, a `URL`, or a
 * path with its query). The country falls back to a two-letter first path segment (`/dk/meum/return`).
 * Never throws: `{ ok: false, error }` for anything not built by buildMeumReturnUrl.
 */
export function parseMeumReturnUrl(url: string | URL): MeumReturnParse {
  let parsedUrl: URL
  try {
    parsedUrl = typeof url === "string" ? new URL(url, "http://relative.invalid") : url
  } catch {
    return { ok: false, error: new MeumReturnUrlError("invalid_url", "Meum return URL: not a URL") }
  }
  const prefix = /^\/([A-Za-z]{2})(?:\/|$)/.exec(parsedUrl.pathname)?.[1]
  const parsed = returnQuery.safeParse({
    cartId: parsedUrl.searchParams.get("cart_id") ?? undefined,
    countryCode: parsedUrl.searchParams.get("country_code") ?? prefix,
  })
  if (!parsed.success) return { ok: false, error: errorOf(parsed.error.issues) }
  return { ok: true, cartId: parsed.data.cartId, countryCode: parsed.data.countryCode }
}
