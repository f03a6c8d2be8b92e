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

/**
 * The URL Meum sends the shopper back to. A storefront may pass `data.return_url`; it must be
 * http(s), and on an allowed origin when the merchant configured a returnUrl or an allow-list
 * (so an invoice cannot bounce shoppers to an arbitrary site). Otherwise the configured
 * template, with {cart_id} and {session_id} filled in.
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
    const allowed = [
      ...(options.allowedReturnUrlOrigins ?? []).map(originOf),
      options.returnUrl ? originOf(options.returnUrl.replace(/\{(cart_id|session_id)\}/g, "x")) : undefined,
    ].filter((value): value is string => Boolean(value))
    if (allowed.length > 0 && !allowed.includes(origin)) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, "data.return_url is not on an allowed storefront origin")
    }
    return requested as string
  }
  if (!options.returnUrl) return undefined
  return options.returnUrl
    .replace(/\{cart_id\}/g, encodeURIComponent(ids.cartId ?? ""))
    .replace(/\{session_id\}/g, encodeURIComponent(ids.sessionId))
}
