import { MedusaError } from "@medusajs/framework/utils"
import type { MeumProviderOptions } from "../../lib/provider-options"

const originOf = (value: string): string | undefined => {
  try {
    const url = new URL(value)
    return url.protocol === "http:" || url.protocol === "https:" ? url.origin : undefined
  } catch {
    return undefined
  }
}

/** The origins a storefront's data.return_url may use: the allow-list, else the returnUrl's origin. */
function allowedOrigins(options: MeumProviderOptions): string[] {
  if (options.allowedReturnUrlOrigins?.length) {
    return options.allowedReturnUrlOrigins.map(originOf).filter((value): value is string => Boolean(value))
  }
  const configured = options.returnUrl ? originOf(options.returnUrl.replace(/\{(cart_id|session_id)\}/g, "x")) : undefined
  return configured ? [configured] : []
}

/**
 * The URL Meum sends the shopper back to. A storefront may pass `data.return_url`: it must be
 * http(s) and on an allowed origin (allowedReturnUrlOrigins, or with no allow-list the returnUrl's
 * origin); with neither configured it is refused (the boot warns), so an invoice can never bounce
 * shoppers to an arbitrary site. Otherwise the configured template, {cart_id}/{session_id} filled in.
 */
export function resolveReturnUrl(
  options: MeumProviderOptions,
  requested: unknown,
  ids: { cartId?: string; sessionId: string }
): string | undefined {
  if (requested !== undefined && requested !== null && requested !== "") {
    const origin = typeof requested === "string" ? originOf(requested) : undefined
    if (!origin) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, "data.return_url must be an http(s) URL")
    }
    const allowed = allowedOrigins(options)
    if (allowed.length === 0) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        'This store does not accept a return URL from the storefront: its Meum provider options set neither "allowedReturnUrlOrigins" nor "returnUrl".'
      )
    }
    if (!allowed.includes(origin)) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `data.return_url is not on an allowed storefront origin (provider option "${options.allowedReturnUrlOrigins?.length ? "allowedReturnUrlOrigins" : "returnUrl"}").`
      )
    }
    return requested as string
  }
  if (!options.returnUrl) return undefined
  return options.returnUrl
    .replace(/\{cart_id\}/g, encodeURIComponent(ids.cartId ?? ""))
    .replace(/\{session_id\}/g, encodeURIComponent(ids.sessionId))
}
