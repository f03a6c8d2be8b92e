/**
 * An invoice whose metadata came back without our session id is matched through its cart: the
 * session holding it may belong to ANY registration on the verifying registration's Meum account
 * (one account, one set of invoices), never to another account's registration.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { meumRegistrations, registeredMeumProviders, type MeumRegistration } from "../../../../lib/provider-registry"
import type { Invoice } from "../../../../lib/meum/invoice"
import { sessionIdFinder } from "../route"

const REGISTRY_KEY = Symbol.for("medusa-payment-meum.provider-registry.by-options")

const accountA = { apiKey: "sk_live_account_a_1111", apiBaseUrl: "http://127.0.0.1:9001" }
const accountB = { apiKey: "sk_live_account_b_2222", apiBaseUrl: "http://127.0.0.1:9002" }
const providers = [
  { resolve: "medusa-payment-meum/providers/meum", id: "meum", options: { ...accountA, webhookSecret: "whsec_a1" } },
  // Same account, another registration (e.g. another return URL per region).
  { resolve: "medusa-payment-meum/providers/meum", id: "meum_eu", options: { ...accountA, webhookSecret: "whsec_a2", returnUrl: "https://eu.example.com/r" } },
  { resolve: "medusa-payment-meum/providers/meum", id: "meum_other", options: { ...accountB, webhookSecret: "whsec_b" } },
]

type Session = { id: string; provider_id: string; payment_collection_id: string; data: Record<string, unknown> }

function containerWith(sessions: Session[]) {
  const configModule = { modules: { payment: { resolve: "@medusajs/medusa/payment", options: { providers } } } }
  const services: Record<string, unknown> = {
    configModule,
    meumLedger: { findInvoiceRow: async () => undefined },
    query: {
      graph: async ({ filters }: { filters: { cart_id: string } }) => ({ data: filters.cart_id === "cart_1" ? [{ payment_collection_id: "pay_col_1" }] : [] }),
    },
    payment: {
      // Honours the filters it is given, as the payment module does.
      listPaymentSessions: async (filters: Record<string, unknown>) =>
        sessions.filter((session) =>
          Object.entries(filters).every(([key, value]) =>
            Array.isArray(value) ? value.includes(session[key as keyof Session]) : session[key as keyof Session] === value
          )
        ),
    },
  }
  return { resolve: (key: string) => services[key] } as unknown as MedusaContainer
}

const invoice = (id: string): Invoice => ({ id, external_order_id: "cart_1:payses_x", metadata: {} }) as unknown as Invoice
const sessionData = (invoiceId: string) => ({ invoice_id: invoiceId, amount: "10", currency: "USDC" })

afterEach(() => {
  for (const entry of registeredMeumProviders()) entry.client.close()
  delete (globalThis as Record<symbol, unknown>)[REGISTRY_KEY]
})

it("finds the session of another registration on the same Meum account, never one of another account", async () => {
  const container = containerWith([
    { id: "payses_eu", provider_id: "pp_meum_meum_eu", payment_collection_id: "pay_col_1", data: sessionData("inv_eu") },
    { id: "payses_other", provider_id: "pp_meum_meum_other", payment_collection_id: "pay_col_1", data: sessionData("inv_other") },
    { id: "payses_default", provider_id: "pp_meum_meum", payment_collection_id: "pay_col_1", data: sessionData("inv_default") },
  ])
  const byId = (id: string) => meumRegistrations(container).find((r) => r.registrationId === id) as MeumRegistration
  const verifiedByDefault = sessionIdFinder(container, byId("meum"))

  await expect(verifiedByDefault(invoice("inv_default"))).resolves.toBe("payses_default")
  await expect(verifiedByDefault(invoice("inv_eu"))).resolves.toBe("payses_eu")
  // Another account's session is not this account's invoice's, whatever it claims to hold.
  await expect(verifiedByDefault(invoice("inv_other"))).resolves.toBeUndefined()
  await expect(sessionIdFinder(container, byId("meum_other"))(invoice("inv_other"))).resolves.toBe("payses_other")
  await expect(sessionIdFinder(container, byId("meum_other"))(invoice("inv_eu"))).resolves.toBeUndefined()
})
