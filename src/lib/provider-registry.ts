/**
 * One place of configuration. Medusa hands provider options only to the provider; plugin
 * routes, jobs and middlewares never see them. So the provider registers its validated options
 * and its Meum client here when Medusa constructs it, and every other adapter reads them from
 * here: the merchant enters the API key once. Stored on a global symbol so two copies of this
 * module (source and build, or duplicated installs) still share one registry.
 */
import type { MeumClient } from "./meum/client"
import type { MeumProviderOptions } from "../providers/meum/options"

export const MEUM_PROVIDER_ID = "pp_meum_meum"

export interface RegisteredMeumProvider {
  providerId: string
  options: MeumProviderOptions
  client: MeumClient
}

const REGISTRY_KEY = Symbol.for("medusa-payment-meum.provider-registry")

type Registry = Map<string, RegisteredMeumProvider>

function registry(): Registry {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>
  holder[REGISTRY_KEY] ??= new Map()
  return holder[REGISTRY_KEY]!
}

export function registerMeumProvider(entry: RegisteredMeumProvider): void {
  registry().set(entry.providerId, entry)
}

export function getMeumProvider(providerId: string = MEUM_PROVIDER_ID): RegisteredMeumProvider | undefined {
  return registry().get(providerId)
}

/** Any registered Meum provider (a store normally registers exactly one). */
export function getAnyMeumProvider(): RegisteredMeumProvider | undefined {
  return getMeumProvider() ?? registry().values().next().value
}
