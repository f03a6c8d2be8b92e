/**
 * The development store of this repository: used by the integration tests, the demo and
 * `medusa plugin:build`. It registers the provider straight from source
 * (`./src/providers/meum`, id `meum` → provider id `pp_meum_meum`) with options read from the
 * environment, and a second Meum account (id `meum_second`) when MEUM_SECOND_ACCOUNT_* are set.
 * A merchant's store registers `medusa-payment-meum/providers/meum` instead (README).
 */
import { defineConfig, loadEnv } from "@medusajs/framework/utils"

loadEnv(process.env.NODE_ENV || "development", process.cwd())

const env = (name: string): string | undefined => {
  const value = process.env[name]
  return value === undefined || value === "" ? undefined : value
}

const list = (value: string | undefined): string[] | undefined =>
  value ? value.split(",").map((part) => part.trim()).filter(Boolean) : undefined

const meumProviderOptions = {
  apiKey: env("MEUM_API_KEY"),
  webhookSecret: list(env("MEUM_WEBHOOK_SECRET")),
  apiBaseUrl: env("MEUM_API_BASE_URL"),
  returnUrl: env("MEUM_RETURN_URL"),
  allowedReturnUrlOrigins: env("MEUM_ALLOWED_RETURN_URL_ORIGINS"),
  callbackUrl: env("MEUM_CALLBACK_URL"),
  webhookToleranceSeconds: env("MEUM_WEBHOOK_TOLERANCE_SECONDS"),
  allowLegacySignatures: env("MEUM_ALLOW_LEGACY_SIGNATURES"),
  integrationId: env("MEUM_INTEGRATION_ID"),
  webhookEndpointId: env("MEUM_WEBHOOK_ENDPOINT_ID"),
  orderFirst: env("MEUM_ORDER_FIRST"),
  orderFirstGraceSeconds: env("MEUM_ORDER_FIRST_GRACE_SECONDS"),
  invoiceLifetimeMinutes: env("MEUM_INVOICE_LIFETIME_MINUTES"),
  timeoutMs: env("MEUM_TIMEOUT_MS"),
  webhookConcurrency: env("MEUM_WEBHOOK_CONCURRENCY"),
  webhookResponseBudgetMs: env("MEUM_WEBHOOK_RESPONSE_BUDGET_MS"),
  refunds: env("MEUM_REFUNDS"),
  maxInvoicesPerCart: env("MEUM_MAX_INVOICES_PER_CART"),
  invoiceBudgetWindowMinutes: env("MEUM_INVOICE_BUDGET_WINDOW_MINUTES"),
}

/**
 * A second Meum account in the same store: its own API key, webhook secret(s) and (optionally)
 * base URL; every other option as the first registration's.
 */
const secondAccount =
  env("MEUM_SECOND_ACCOUNT_API_KEY") && env("MEUM_SECOND_ACCOUNT_WEBHOOK_SECRET")
    ? {
        ...meumProviderOptions,
        apiKey: env("MEUM_SECOND_ACCOUNT_API_KEY"),
        webhookSecret: list(env("MEUM_SECOND_ACCOUNT_WEBHOOK_SECRET")),
        apiBaseUrl: env("MEUM_SECOND_ACCOUNT_API_BASE_URL") ?? meumProviderOptions.apiBaseUrl,
      }
    : undefined

/**
 * With REDIS_URL set, the store runs on Medusa's production modules (Redis event bus, workflow
 * engine, locking and caching), as a store with several processes must: what instances share
 * goes through Redis and the database. Without it, Medusa's in-process defaults (one process).
 */
const redisUrl = env("REDIS_URL")
const productionModules = redisUrl
  ? [
      { resolve: "@medusajs/medusa/event-bus-redis", options: { redisUrl } },
      { resolve: "@medusajs/medusa/workflow-engine-redis", options: { redis: { redisUrl } } },
      {
        resolve: "@medusajs/medusa/locking",
        options: { providers: [{ resolve: "@medusajs/medusa/locking-redis", id: "locking-redis", is_default: true, options: { redisUrl } }] },
      },
      {
        resolve: "@medusajs/medusa/caching",
        options: { providers: [{ resolve: "@medusajs/medusa/caching-redis", id: "caching-redis", is_default: true, options: { redisUrl } }] },
      },
    ]
  : []

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    ...(redisUrl ? { redisUrl } : {}),
    // server | worker | shared (default): MEDUSA_WORKER_MODE, as Medusa's deployment guide says.
    workerMode: (env("MEDUSA_WORKER_MODE") as "shared" | "worker" | "server" | undefined) ?? "shared",
    http: {
      storeCors: process.env.STORE_CORS || "http://localhost:8000",
      adminCors: process.env.ADMIN_CORS || "http://localhost:9000",
      authCors: process.env.AUTH_CORS || "http://localhost:9000,http://localhost:8000",
      jwtSecret: process.env.JWT_SECRET || "supersecret",
      cookieSecret: process.env.COOKIE_SECRET || "supersecret",
    },
  },
  admin: {
    disable: process.env.MEDUSA_ADMIN_DISABLED === "true",
  },
  modules: [
    ...productionModules,
    // The plugin's ledger (a merchant's store gets it from the plugin entry automatically).
    { resolve: "./src/modules/meum-ledger" },
    {
      resolve: "@medusajs/medusa/payment",
      options: {
        providers: [
          {
            resolve: "./src/providers/meum",
            id: "meum",
            options: meumProviderOptions,
          },
          // A second Meum account (e.g. for another region), id meum_second → pp_meum_meum_second,
          // webhooks at /hooks/meum/meum_second (or /hooks/meum). Only when both are set.
          ...(secondAccount ? [{ resolve: "./src/providers/meum", id: "meum_second", options: secondAccount }] : []),
        ],
      },
    },
  ],
})
