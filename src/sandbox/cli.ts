#!/usr/bin/env node
/**
 * `medusa-payment-meum sandbox [--port 4010] [--host 127.0.0.1] [--webhook-url URL]... 
 *   [--webhook-secret S] [--api-key sk_live_…] [--invoice-lifetime 3600] [--rate-limit 30]
 *   [--no-dedupe] [--legacy-signatures] [--fast-webhook-retries]`
 * Environment fallbacks: MEUM_SANDBOX_PORT, MEUM_WEBHOOK_SECRET, MEUM_API_KEY.
 */
import { parseArgs } from "node:util"
import { startMeumSandbox, DEFAULT_SANDBOX_API_KEY } from "./start-sandbox"

async function main(argv: string[]) {
  const [command, ...rest] = argv
  if (command !== "sandbox") {
    console.error("usage: medusa-payment-meum sandbox --port 4010 --webhook-url http://localhost:9000/hooks/payment/meum_meum --webhook-secret …")
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
      "legacy-signatures": { type: "boolean" },
      "fast-webhook-retries": { type: "boolean" },
    },
  })
  const secret = values["webhook-secret"] ?? process.env.MEUM_WEBHOOK_SECRET
  if (!secret) {
    console.error("meum-sandbox: --webhook-secret (or MEUM_WEBHOOK_SECRET) is required")
    process.exit(2)
  }
  const apiKey = values["api-key"] ?? process.env.MEUM_API_KEY ?? DEFAULT_SANDBOX_API_KEY
  const sandbox = await startMeumSandbox({
    port: Number(values.port ?? process.env.MEUM_SANDBOX_PORT ?? 4010),
    host: values.host ?? "127.0.0.1",
    webhookSecret: secret,
    apiKeys: [apiKey],
    webhookUrls: values["webhook-url"] ?? [],
    invoiceLifetimeSeconds: values["invoice-lifetime"] ? Number(values["invoice-lifetime"]) : undefined,
    rateLimit: values["rate-limit"] ? { max: Number(values["rate-limit"]), windowMs: 60_000 } : undefined,
    dedupeByExternalOrderId: !values["no-dedupe"],
    legacySignatures: Boolean(values["legacy-signatures"]),
    webhookRetry: values["fast-webhook-retries"] ? { baseDelayMs: 100, maxDelayMs: 1000 } : undefined,
    logger: (line) => console.log(line),
  })
  console.log(`Meum sandbox listening on ${sandbox.url} (API key ${apiKey.slice(0, 12)}…)`)
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
