#!/usr/bin/env node
/**
 * `medusa-payment-meum sandbox [--port 4010] [--host 127.0.0.1] [--webhook-url URL]... 
 *   [--webhook-secret S] [--api-key sk_live_…] [--invoice-lifetime 3600] [--rate-limit 30]
 *   [--id-style uuid|inv] [--dedupe any|open|off|conflict] [--no-dedupe]
 *   [--closed-checkout-url null|keep] [--status-body minimal|full] [--create-response landing|full]
 *   [--output-asset ASSET] [--legacy-signatures] [--fast-webhook-retries]`
 * Environment fallbacks: MEUM_SANDBOX_PORT, MEUM_WEBHOOK_SECRET, MEUM_API_KEY, and for the
 * behaviour switches (start-sandbox.ts; a flag wins over its variable) MEUM_SANDBOX_ID_STYLE,
 * MEUM_SANDBOX_DEDUPE, MEUM_SANDBOX_CLOSED_CHECKOUT_URL, MEUM_SANDBOX_STATUS_BODY,
 * MEUM_SANDBOX_CREATE_RESPONSE, MEUM_SANDBOX_OUTPUT_ASSET. `--no-dedupe` is the legacy spelling
 * of `--dedupe off`. Unset switches keep their (least convenient) defaults.
 */
import { parseArgs } from "node:util"
import { startMeumSandbox, DEFAULT_SANDBOX_API_KEY } from "./start-sandbox"
import {
  CLOSED_CHECKOUT_URL_MODES,
  CREATE_RESPONSE_MODES,
  DEDUPE_MODES,
  ID_STYLES,
  STATUS_BODY_MODES,
} from "./settings"

/** A switch from its flag or environment variable; undefined when neither is set. */
function choice<T extends string>(flag: string, value: string | undefined, env: string, allowed: readonly T[]): T | undefined {
  const raw = value ?? (process.env[env] || undefined)
  if (raw === undefined) return undefined
  if (!(allowed as readonly string[]).includes(raw)) {
    console.error(`meum-sandbox: --${flag} (or ${env}) must be one of ${allowed.join(", ")}; got ${JSON.stringify(raw)}`)
    process.exit(2)
  }
  return raw as T
}

/**
 * What to paste into the store to point it at this sandbox. A value the user typed on the command
 * line or the sandbox's public default is printed; an API key passed by flag, or anything taken
 * from the environment (it may be a real one), only by reference.
 */
function pasteInstructions(input: {
  url: string
  apiKey: string
  keySource: "flag" | "env" | "default"
  secret: string
  secretSource: "flag" | "env"
  webhookUrls: string[]
}): string[] {
  const { url, apiKey, keySource, secret, secretSource, webhookUrls } = input
  const keyLine =
    keySource === "default"
      ? `apiKey: ${JSON.stringify(apiKey)},`
      : `apiKey: process.env.MEUM_API_KEY, // ${keySource === "flag" ? `the key you passed (${apiKey.slice(0, 12)}…)` : "from your environment"}`
  const secretLine = secretSource === "flag" ? `webhookSecret: ${JSON.stringify(secret)},` : "webhookSecret: process.env.MEUM_WEBHOOK_SECRET, // from your environment"
  const env = [`MEUM_API_BASE_URL=${url}`, keySource === "default" ? `MEUM_API_KEY=${apiKey}` : "MEUM_API_KEY=…", secretSource === "flag" ? `MEUM_WEBHOOK_SECRET=${secret}` : "MEUM_WEBHOOK_SECRET=…"]
  const plugin = /^https?:\/\/[^/]+\/hooks\/meum(\/[\w-]+)?\/?$/
  const webhooks = webhookUrls.length
    ? webhookUrls.map((target) => (plugin.test(target) ? `${target} (the plugin's route)` : `${target} — not the plugin's /hooks/meum: its deliveries are not recorded and not retried`)).join(", ")
    : "none — pass --webhook-url http://localhost:9000/hooks/meum (your Medusa's URL), or the paid webhooks never reach the store"
  return [
    "Paste into the options of medusa-payment-meum/providers/meum (medusa-config.ts):",
    `  apiBaseUrl: ${JSON.stringify(url)},`,
    `  ${keyLine}`,
    `  ${secretLine}`,
    `or, with a medusa-config.ts that reads them from the environment: ${env.join(" ")}`,
    `Webhooks: ${webhooks}`,
  ]
}

async function main(argv: string[]) {
  const [command, ...rest] = argv
  if (command !== "sandbox") {
    console.error("usage: medusa-payment-meum sandbox --port 4010 --webhook-url http://localhost:9000/hooks/meum --webhook-secret …")
    process.exit(command === undefined || command === "--help" ? 0 : 2)
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "webhook-url": { type: "string", multiple: true },
      "webhook-secret": { type: "string" },
      "api-key": { type: "string" },
      "invoice-lifetime": { type: "string" },
      "rate-limit": { type: "string" },
      "no-dedupe": { type: "boolean" },
      "id-style": { type: "string" },
      dedupe: { type: "string" },
      "closed-checkout-url": { type: "string" },
      "status-body": { type: "string" },
      "create-response": { type: "string" },
      "output-asset": { type: "string" },
      "legacy-signatures": { type: "boolean" },
      "fast-webhook-retries": { type: "boolean" },
    },
  })
  const secret = values["webhook-secret"] ?? process.env.MEUM_WEBHOOK_SECRET
  if (!secret) {
    console.error("meum-sandbox: --webhook-secret (or MEUM_WEBHOOK_SECRET) is required")
    process.exit(2)
  }
  const apiKey = values["api-key"] ?? (process.env.MEUM_API_KEY || DEFAULT_SANDBOX_API_KEY)
  // Flags win over the environment; `--dedupe` wins over the legacy `--no-dedupe`.
  const dedupe = values.dedupe !== undefined || !values["no-dedupe"]
    ? choice("dedupe", values.dedupe, "MEUM_SANDBOX_DEDUPE", DEDUPE_MODES)
    : "off"
  const sandbox = await startMeumSandbox({
    port: Number(values.port ?? process.env.MEUM_SANDBOX_PORT ?? 4010),
    host: values.host ?? "127.0.0.1",
    webhookSecret: secret,
    apiKeys: [apiKey],
    webhookUrls: values["webhook-url"] ?? [],
    invoiceLifetimeSeconds: values["invoice-lifetime"] ? Number(values["invoice-lifetime"]) : undefined,
    rateLimit: values["rate-limit"] ? { max: Number(values["rate-limit"]), windowMs: 60_000 } : undefined,
    idStyle: choice("id-style", values["id-style"], "MEUM_SANDBOX_ID_STYLE", ID_STYLES),
    dedupe,
    closedCheckoutUrl: choice("closed-checkout-url", values["closed-checkout-url"], "MEUM_SANDBOX_CLOSED_CHECKOUT_URL", CLOSED_CHECKOUT_URL_MODES),
    statusBody: choice("status-body", values["status-body"], "MEUM_SANDBOX_STATUS_BODY", STATUS_BODY_MODES),
    createResponse: choice("create-response", values["create-response"], "MEUM_SANDBOX_CREATE_RESPONSE", CREATE_RESPONSE_MODES),
    outputAsset: values["output-asset"] ?? (process.env.MEUM_SANDBOX_OUTPUT_ASSET || undefined),
    legacySignatures: Boolean(values["legacy-signatures"]),
    webhookRetry: values["fast-webhook-retries"] ? { baseDelayMs: 100, maxDelayMs: 1000 } : undefined,
    logger: (line) => console.log(line),
  })
  console.log(`Meum sandbox listening on ${sandbox.url} (API key ${apiKey.slice(0, 12)}…)`)
  console.log(`Meum sandbox settings ${JSON.stringify(sandbox.settings)}`)
  const keySource = values["api-key"] !== undefined ? "flag" : process.env.MEUM_API_KEY ? "env" : "default"
  const secretSource = values["webhook-secret"] !== undefined ? "flag" : "env"
  for (const line of pasteInstructions({ url: sandbox.url, apiKey, keySource, secret, secretSource, webhookUrls: values["webhook-url"] ?? [] })) console.log(line)
  const stop = async () => {
    await sandbox.stop()
    process.exit(0)
  }
  process.once("SIGINT", stop)
  process.once("SIGTERM", stop)
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(`meum-sandbox: ${error.message}`)
  process.exit(1)
})
