/**
 * One place of configuration. Medusa hands provider options only to the provider; plugin
 * routes, jobs and middlewares never see them. So the provider registers its validated options
 * and one shared Meum client here — already at boot, from `validateOptions` (Medusa constructs
 * providers lazily, on first use, which is too late for the payment-session middleware) — and
 * every other adapter reads them from here: the merchant enters the API key once.
 * Stored on a global symbol so two copies of this module (source and build) share it.
 *
 * Medusa does not tell a provider its registration id, so the registry holds the Meum
 * configuration of the store: one Meum registration per store. A second registration with other
 * options (two Meum accounts, e.g. one per region) would silently break the first (its client,
 * its webhook secrets, its cart-reference key), so the boot refuses it with a message instead.
 */
import { MeumClient } from "./meum/client"
import type { MeumProviderOptions } from "./provider-options"

export const MEUM_PROVIDER_ID = "pp_meum_meum"

export interface RegisteredMeumProvider {
  options: MeumProviderOptions
  client: MeumClient
}

const REGISTRY_KEY = Symbol.for("medusa-payment-meum.provider-registry")

type Holder = Record<symbol, (RegisteredMeumProvider & { atBoot?: boolean }) | undefined>

export const SECOND_REGISTRATION_MESSAGE =
  "medusa-payment-meum: two Meum payment providers are registered with different options (several Meum accounts, e.g. one per region). This version supports one Meum registration per store: remove the second provider entry of medusa-payment-meum/providers/meum from the payment module's providers in medusa-config."

/**
 * Registers (or re-uses, for identical options) the store's Meum configuration and client.
 * `atBoot` (from validateOptions, once per registration at boot): a second, different
 * registration throws instead of replacing the first.
 */
export function registerMeumProvider(options: MeumProviderOptions, { atBoot = false }: { atBoot?: boolean } = {}): RegisteredMeumProvider {
  const holder = globalThis as unknown as Holder
  const existing = holder[REGISTRY_KEY]
  if (existing && JSON.stringify(existing.options) === JSON.stringify(options)) {
    if (atBoot) existing.atBoot = true
    return existing
  }
  if (atBoot && existing?.atBoot) throw new Error(SECOND_REGISTRATION_MESSAGE)
  existing?.client.close()
  const entry = {
    atBoot,
    options,
    client: new MeumClient({ apiKey: options.apiKey, baseUrl: options.apiBaseUrl, timeoutMs: options.timeoutMs }),
  }
  holder[REGISTRY_KEY] = entry
  return entry
}

export function getMeumProvider(): RegisteredMeumProvider | undefined {
  return (globalThis as unknown as Holder)[REGISTRY_KEY]
}

/** Provider ids of Meum registrations look like pp_meum_<id>. */
export const isMeumProviderId = (providerId: unknown): boolean =>
  typeof providerId === "string" && providerId.startsWith("pp_meum")
