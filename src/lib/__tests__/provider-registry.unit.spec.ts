/**
 * Several Meum registrations in one store (two accounts, e.g. one per region): the registry keeps
 * one entry per distinct set of options, never closes another's client, and finds each
 * registration's id (pp_meum_<id>) in the payment module's config, since Medusa does not tell a
 * provider its registration id.
 */
import { MeumClient } from "../meum/client"
import { parseMeumProviderOptions } from "../provider-options"
import {
  isMeumProviderId,
  meumRegistrationById,
  meumRegistrationFor,
  meumRegistrations,
  registerMeumProvider,
  registeredMeumProviders,
  sameMeumAccount,
} from "../provider-registry"

const REGISTRY_KEY = Symbol.for("medusa-payment-meum.provider-registry.by-options")

const first = { apiKey: "sk_live_first_account_1111", webhookSecret: "whsec_first", apiBaseUrl: "http://127.0.0.1:9001" }
const second = { apiKey: "sk_live_second_account_2222", webhookSecret: "whsec_second", apiBaseUrl: "http://127.0.0.1:9002" }

/** A container whose config module lists these payment providers (raw options, as in medusa-config). */
const containerWith = (providers: unknown[]) => {
  const configModule = { modules: { payment: { resolve: "@medusajs/medusa/payment", options: { providers } } } }
  return { resolve: (key: string) => (key === "configModule" ? configModule : undefined) }
}

const noConfig = {
  resolve: (key: string) => {
    throw new Error(`${key} is not registered`)
  },
}

describe("provider registry", () => {
  let close: jest.SpyInstance

  beforeEach(() => {
    delete (globalThis as Record<symbol, unknown>)[REGISTRY_KEY]
    close = jest.spyOn(MeumClient.prototype, "close")
  })

  afterEach(() => {
    close.mockRestore()
    for (const entry of registeredMeumProviders()) entry.client.close()
    delete (globalThis as Record<symbol, unknown>)[REGISTRY_KEY]
  })

  it("keeps two option sets as two entries, each with its own client, and closes neither", () => {
    const a = registerMeumProvider(parseMeumProviderOptions(first))
    const b = registerMeumProvider(parseMeumProviderOptions(second))
    expect(a).not.toBe(b)
    expect(a.client).not.toBe(b.client)
    expect(a.options.apiKey).toBe(first.apiKey)
    expect(b.options.apiKey).toBe(second.apiKey)
    expect(registeredMeumProviders()).toEqual([a, b])
    expect(close).not.toHaveBeenCalled()
  })

  it("re-uses the entry (and client) for identical options, however they were written", () => {
    const a = registerMeumProvider(parseMeumProviderOptions(first))
    registerMeumProvider(parseMeumProviderOptions(second))
    // The environment's spelling of the same options (strings), parsed again: the same entry.
    const again = registerMeumProvider(parseMeumProviderOptions({ ...first, webhookSecret: "whsec_first", timeoutMs: "10000" }))
    expect(again).toBe(a)
    expect(registeredMeumProviders()).toHaveLength(2)
    expect(close).not.toHaveBeenCalled()
  })

  it("matches each payment-module provider entry of the config to its registration id", () => {
    const a = registerMeumProvider(parseMeumProviderOptions(first))
    const b = registerMeumProvider(parseMeumProviderOptions(second))
    const container = containerWith([
      { resolve: "@medusajs/medusa/payment-stripe", id: "stripe", options: { apiKey: "sk_test_stripe" } },
      { resolve: "medusa-payment-meum/providers/meum", id: "meum", options: first },
      { resolve: "medusa-payment-meum/providers/meum", id: "meum_second", options: second },
    ])

    const registrations = meumRegistrations(container)
    expect(registrations.map(({ providerId, registrationId }) => ({ providerId, registrationId }))).toEqual([
      { providerId: "pp_meum_meum", registrationId: "meum" },
      { providerId: "pp_meum_meum_second", registrationId: "meum_second" },
    ])
    expect(registrations[0].client).toBe(a.client)
    expect(registrations[1].client).toBe(b.client)

    expect(meumRegistrationFor(container, "pp_meum_meum_second")?.options.apiKey).toBe(second.apiKey)
    expect(meumRegistrationFor(container, "pp_meum_meum")?.client).toBe(a.client)
    expect(meumRegistrationFor(container, "pp_meum_other")).toBeUndefined()
    expect(meumRegistrationFor(container, "pp_stripe_stripe")).toBeUndefined()
    expect(meumRegistrationById(container, "meum_second")?.providerId).toBe("pp_meum_meum_second")
    expect(meumRegistrationById(container, "unknown")).toBeUndefined()
    expect(registeredMeumProviders()).toHaveLength(2)
    expect(close).not.toHaveBeenCalled()
  })

  it("falls back to pp_meum_meum when the config cannot be read and exactly one registration exists", () => {
    const a = registerMeumProvider(parseMeumProviderOptions(first))
    expect(meumRegistrations(noConfig)).toEqual([{ providerId: "pp_meum_meum", registrationId: "meum", options: a.options, client: a.client }])
    expect(meumRegistrationFor(noConfig, "pp_meum_meum")?.client).toBe(a.client)

    // Two accounts and no config to tell them apart: none is guessed.
    registerMeumProvider(parseMeumProviderOptions(second))
    expect(meumRegistrations(noConfig)).toEqual([])
    expect(meumRegistrationFor(noConfig, "pp_meum_meum")).toBeUndefined()
  })

  it("recognises Meum provider ids", () => {
    expect(isMeumProviderId("pp_meum_meum")).toBe(true)
    expect(isMeumProviderId("pp_meum_meum_second")).toBe(true)
    expect(isMeumProviderId("pp_system_default")).toBe(false)
    // Medusa's name for a registration without an id; nothing else that merely starts alike.
    expect(isMeumProviderId("pp_meum")).toBe(true)
    expect(isMeumProviderId("pp_meumish_x")).toBe(false)
    expect(isMeumProviderId(undefined)).toBe(false)
  })

  it("tells registrations of one Meum account (same API and key) from another account's", () => {
    const account = registerMeumProvider(parseMeumProviderOptions(first))
    const sameAccountOtherRules = registerMeumProvider(parseMeumProviderOptions({ ...first, orderFirst: true }))
    const otherAccount = registerMeumProvider(parseMeumProviderOptions(second))
    expect(sameAccountOtherRules).not.toBe(account)
    expect(sameMeumAccount(account, sameAccountOtherRules)).toBe(true)
    expect(sameMeumAccount(account, otherAccount)).toBe(false)
  })
})
