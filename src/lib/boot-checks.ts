/**
 * Boot checks beyond the option schema. A live store must not silently talk to a toy: a Meum API
 * that is not https (localhost excepted) or the sandbox's well-known key against a remote host
 * stop the boot in production (NODE_ENV=production) and are warned about otherwise. A store with
 * neither returnUrl nor allowedReturnUrlOrigins refuses storefront return URLs: a warning.
 */
import { DEFAULT_SANDBOX_API_KEY, isLocalUrl, isSecureOrLocalUrl } from "./meum/local-url"
import { MeumOptionsError, type MeumProviderOptions } from "./provider-options"

export interface BootFindings {
  /** Refuse to boot in production, warn otherwise. */
  unsafe: string[]
  /** Always only a warning. */
  warnings: string[]
}

export function bootFindings(options: MeumProviderOptions): BootFindings {
  const unsafe: string[] = []
  const warnings: string[] = []
  if (!isSecureOrLocalUrl(options.apiBaseUrl)) {
    unsafe.push('option "apiBaseUrl" is not https: the API key and every invoice would travel in clear to a server that is not Meum\'s live API (http is accepted on localhost only)')
  }
  if (options.apiKey === DEFAULT_SANDBOX_API_KEY && !isLocalUrl(options.apiBaseUrl)) {
    unsafe.push('option "apiKey" is the Meum sandbox\'s default key, used with a Meum that is not on localhost: set your live key')
  }
  if (!options.returnUrl && !(options.allowedReturnUrlOrigins?.length)) {
    warnings.push('options "returnUrl" and "allowedReturnUrlOrigins" are not set: Meum will not send shoppers back to the store, and a storefront\'s data.return_url is refused (set returnUrl, or allowedReturnUrlOrigins to your storefront\'s origin)')
  }
  return { unsafe, warnings }
}

/** Throws MeumOptionsError for unsafe options in production; otherwise hands every finding to `warn`. */
export function checkOptionsAtBoot(options: MeumProviderOptions, { nodeEnv, warn }: { nodeEnv?: string; warn: (message: string) => void }): void {
  const { unsafe, warnings } = bootFindings(options)
  if (unsafe.length && nodeEnv === "production") {
    throw new MeumOptionsError(`medusa-payment-meum: refusing to start in production: ${unsafe.join("; ")}`)
  }
  for (const message of [...unsafe, ...warnings]) warn(`medusa-payment-meum: ${message}`)
}
