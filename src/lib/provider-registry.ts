/**
 * One place of configuration. Medusa hands provider options only to the provider; plugin
 * routes, jobs and middlewares never see them. So each provider registration registers its
 * validated options and one Meum client here — already at boot, from `validateOptions` (Medusa
 * constructs providers lazily, on first use, which is too late for the payment-session
 * middleware) — and every other adapter reads them from here: the merchant enters the API key once.
 * Stored on a global symbol so two copies of this module (source and build) share it.
 *
 * A store may register the provider several times (several Meum accounts, e.g. one per region):
 * `pp_meum_meum`, `pp_meum_meum_second`, … The registry holds one entry per distinct set of
 * options (keyed by their JSON): identical options share an entry and its client, different
 * options add one, and no registration ever closes another's client.
 *
 * Also the payment session `data` the provider writes (the last section): its public shape, and
 * readStoredSessionData to read it back.
 */
import { z } from "zod"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { MeumClient } from "./meum/client"
import { isOpenInvoiceStatus, type Invoice, type ReadInvoiceStatus } from "./meum/invoice"
import { parseMeumProviderOptions, type MeumProviderOptions } from "./provider-options"

/** The provider id of the default registration (`id: "meum"`). */
export const MEUM_PROVIDER_ID = "pp_meum_meum"
const MEUM_IDENTIFIER = "meum"

export interface RegisteredMeumProvider {
  options: MeumProviderOptions
  client: MeumClient
}

/** One registration of the provider in the payment module, with its own options and client. */
export interface MeumRegistration extends RegisteredMeumProvider {
  /** Medusa's provider id: pp_meum_<registrationId>. */
  providerId: string
  /** The `id` of the provider entry in medusa-config (e.g. "meum", "meum_second"). */
  registrationId: string
}

const REGISTRY_KEY = Symbol.for("medusa-payment-meum.provider-registry.by-options")

type Holder = Record<symbol, Map<string, RegisteredMeumProvider> | undefined>

function registry(): Map<string, RegisteredMeumProvider> {
  const holder = globalThis as unknown as Holder
  return (holder[REGISTRY_KEY] ??= new Map())
}

/** The key of a set of validated options: its JSON (zod outputs the keys in schema order). */
const keyOf = (options: MeumProviderOptions): string => JSON.stringify(options)

/** Registers (or re-uses, for identical options) a Meum configuration and its client. */
export function registerMeumProvider(options: MeumProviderOptions): RegisteredMeumProvider {
  const key = keyOf(options)
  const entries = registry()
  let entry = entries.get(key)
  if (!entry) {
    entry = { options, client: new MeumClient({ apiKey: options.apiKey, baseUrl: options.apiBaseUrl, timeoutMs: options.timeoutMs }) }
    entries.set(key, entry)
  }
  return entry
}

/** Every registered Meum configuration of this process, in registration order. */
export function registeredMeumProviders(): RegisteredMeumProvider[] {
  return [...registry().values()]
}

/** Whether two registrations talk to the same Meum account (same API and key): one set of invoices. */
export const sameMeumAccount = (a: RegisteredMeumProvider, b: RegisteredMeumProvider): boolean =>
  a.options.apiBaseUrl === b.options.apiBaseUrl && a.options.apiKey === b.options.apiKey

/** Provider ids of Meum registrations look like pp_meum_<id>. */
export const isMeumProviderId = (providerId: unknown): boolean =>
  typeof providerId === "string" && (providerId === "pp_meum" || providerId.startsWith("pp_meum_"))

interface Resolver {
  resolve: (key: string) => unknown
}

interface ProviderEntry {
  resolve?: unknown
  id?: unknown
  options?: unknown
}

/** Whether a payment-module provider entry registers this plugin's provider. */
function isMeumEntry(entry: ProviderEntry): boolean {
  if (typeof entry.resolve === "string") return entry.resolve.includes(MEUM_IDENTIFIER)
  // A module object ({ services: [MeumPaymentProviderService] }) instead of a path.
  const services = (entry.resolve as { services?: Array<{ identifier?: unknown }> } | undefined)?.services
  return Array.isArray(services) && services.some((service) => service?.identifier === MEUM_IDENTIFIER)
}

/** The Meum provider entries of the payment module in the config module, or undefined when it cannot be read. */
function configuredMeumEntries(container: Resolver): ProviderEntry[] | undefined {
  let configModule: { modules?: Record<string, unknown> } | undefined
  try {
    configModule = container.resolve(ContainerRegistrationKeys.CONFIG_MODULE) as typeof configModule
  } catch {
    return undefined
  }
  const paymentModule = (configModule?.modules?.payment ?? configModule?.modules?.[Modules.PAYMENT]) as { options?: { providers?: unknown } } | undefined
  const providers = paymentModule?.options?.providers
  if (!Array.isArray(providers)) return undefined
  return providers.filter((entry): entry is ProviderEntry => Boolean(entry) && typeof entry === "object" && isMeumEntry(entry as ProviderEntry))
}

const cache = new WeakMap<object, MeumRegistration[]>()

/**
 * The Meum registrations of the store: `{ providerId, registrationId, options, client }` for each
 * provider entry of medusa-config whose `resolve` is this plugin's provider.
 *
 * Medusa does not tell a provider its registration id: `validateOptions` and the constructor get
 * the options only, and the provider id (pp_meum_<id>) exists only in the payment module. So the
 * id is found the other way round: the config module lists the entries with their `id` and raw
 * options; each entry's options, parsed with the provider's own parser, equal exactly one
 * registry entry (its key is their JSON). If the config cannot be read (or lists no Meum entry)
 * and exactly one configuration is registered, it is the default registration, pp_meum_meum.
 */
export function meumRegistrations(container: Resolver): MeumRegistration[] {
  const entries = configuredMeumEntries(container)
  if (entries?.length) {
    let configModule: object | undefined
    try {
      configModule = container.resolve(ContainerRegistrationKeys.CONFIG_MODULE) as object
    } catch {
      configModule = undefined
    }
    const cached = configModule ? cache.get(configModule) : undefined
    if (cached) return cached
    const found: MeumRegistration[] = []
    for (const entry of entries) {
      let options: MeumProviderOptions
      try {
        options = parseMeumProviderOptions(entry.options)
      } catch {
        continue // Medusa's boot refuses such an entry (validateOptions): it never serves a session.
      }
      const registrationId = typeof entry.id === "string" && entry.id ? entry.id : ""
      // The same entry validateOptions made at boot (identical options → the same entry and client).
      const registered = registerMeumProvider(options)
      found.push({
        providerId: registrationId ? `pp_${MEUM_IDENTIFIER}_${registrationId}` : `pp_${MEUM_IDENTIFIER}`,
        registrationId,
        options: registered.options,
        client: registered.client,
      })
    }
    if (configModule) cache.set(configModule, found)
    return found
  }
  const all = registeredMeumProviders()
  if (all.length === 1) return [{ providerId: MEUM_PROVIDER_ID, registrationId: MEUM_IDENTIFIER, ...all[0] }]
  return []
}

/** The registration behind a payment session's provider_id (pp_meum_<id>), if it is one of ours. */
export function meumRegistrationFor(container: Resolver, providerId: unknown): MeumRegistration | undefined {
  if (!isMeumProviderId(providerId)) return undefined
  return meumRegistrations(container).find((registration) => registration.providerId === providerId)
}

/** A registration by its medusa-config id ("meum", "meum_second"), for /hooks/meum/:registration. */
export function meumRegistrationById(container: Resolver, registrationId: string): MeumRegistration | undefined {
  return meumRegistrations(container).find((registration) => registration.registrationId === registrationId)
}

// ─── The session data the provider writes ───
/**
 * The payment session `data` this provider writes. Medusa's store API returns it to browsers
 * (`payment_collection.payment_sessions[].data`), so it holds only public facts about the
 * invoice: never the API key, a secret or a signature.
 */
export const storedSessionDataSchema = z.looseObject({
  invoice_id: z.string().min(1),
  session_id: z.string().optional(),
  amount: z.string(),
  currency: z.string(),
  external_order_id: z.string().optional(),
  cart_id: z.string().optional(),
})
export type StoredSessionData = z.infer<typeof storedSessionDataSchema>

export interface PublicInvoiceFacts {
  invoice_id: string
  /** Only while the invoice can be paid (Meum itself sends null once it cannot). */
  checkout_url: string | null
  expires_at: string | null
  status: ReadInvoiceStatus
  /** Meum's own word when it is not one of the documented statuses (shown in admin). */
  reported_status?: string | null
  amount: string
  currency: string
  paid_amount: string | null
  output_asset: string | null
  transaction_hash: string | null
  paid_at: string | null
}

export function publicInvoiceFacts(invoice: Invoice): PublicInvoiceFacts {
  return {
    invoice_id: invoice.id,
    checkout_url: isOpenInvoiceStatus(invoice.status) ? invoice.checkout_url : null,
    expires_at: invoice.expires_at ?? null,
    status: invoice.status,
    ...(invoice.status === "unknown" ? { reported_status: invoice.reported_status } : {}),
    amount: invoice.amount,
    currency: invoice.currency,
    paid_amount: invoice.paid_amount ?? null,
    output_asset: invoice.output_asset ?? null,
    transaction_hash: invoice.transaction_hash ?? null,
    paid_at: invoice.paid_at ?? null,
  }
}

/** Reads our fields back from a session's data; undefined when no invoice was ever created. */
export function readStoredSessionData(data: Record<string, unknown> | undefined): StoredSessionData | undefined {
  const parsed = storedSessionDataSchema.safeParse(data ?? {})
  return parsed.success ? parsed.data : undefined
}
