import Medusa from "@medusajs/js-sdk"
import { backendUrl, publishableKey } from "./env"

let sdk: Medusa | undefined

/** The js-sdk, server side only (server components, server actions, route handlers). */
export function getSdk(): Medusa {
  sdk ??= new Medusa({ baseUrl: backendUrl(), publishableKey: publishableKey(), debug: false })
  return sdk
}
