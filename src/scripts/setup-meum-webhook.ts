/**
 * `npx medusa exec ./node_modules/medusa-payment-meum/.medusa/server/src/scripts/setup-meum-webhook.js
 *    [registration=meum] [backend-url=https://shop.example] [test-only] [endpoint=wh_…] [new] [wait-seconds=20]`
 *
 * Arguments are bare words: Medusa's CLI refuses `--flags` after `exec <file>` ("Unknown arguments")
 * and passes only positional words to the script (`--test-only` etc. work when called from code).
 *
 * Creates the Meum webhook endpoint of a registration (default `meum`) for `<backend url>/hooks/meum`
 * through `POST /v1/webhook-endpoints`, prints its secret ONCE with the lines to put in the
 * environment, then has Meum send its `webhook.test` and says whether /hooks/meum received and
 * verified it. The backend URL: `backend-url=`, else the env var MEDUSA_BACKEND_URL, else
 * `admin.backendUrl` of medusa-config when absolute. Right after the create the store does not know
 * the new secret yet and rejects the test (401): set the lines, restart the store, then run it again
 * with `test-only` (the endpoint from `endpoint=` or the registration's `webhookEndpointId`).
 * Never prints the API key. Exit code 1 when something is missing or the test did not verify.
 */
import { parseArgs } from "node:util"
import type { ExecArgs } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { meumRegistrationById, meumRegistrations, type MeumRegistration } from "../lib/provider-registry"
import { WEBHOOK_EVENT_TYPES } from "../lib/meum/schemas"
import { sendAndCheckTestWebhook, type WebhookTestVerdict } from "../lib/webhook-test-check"
import { MEUM_LEDGER_MODULE } from "../modules/meum-ledger"
import type MeumLedgerService from "../modules/meum-ledger/service"

const COMMAND = "npx medusa exec ./node_modules/medusa-payment-meum/.medusa/server/src/scripts/setup-meum-webhook.js"
const DEFAULT_REGISTRATION = "meum"

export interface SetupWebhookResult {
  exitCode: 0 | 1
  endpointId?: string
  /** Only for the caller's own use (tests); printed once, never logged. */
  secret?: string
  verdict?: WebhookTestVerdict
}

type Container = ExecArgs["container"]

function backendOrigin(container: Container, flag: string | undefined): string | undefined {
  const fromEnv = process.env.MEDUSA_BACKEND_URL
  let fromConfig: unknown
  try {
    fromConfig = (container.resolve(ContainerRegistrationKeys.CONFIG_MODULE) as { admin?: { backendUrl?: unknown } }).admin?.backendUrl
  } catch {
    fromConfig = undefined
  }
  const chosen = [flag, fromEnv, fromConfig].find((value): value is string => typeof value === "string" && /^https?:\/\/[^/]/.test(value))
  return chosen?.replace(/\/+$/, "")
}

/** The lines that put the secret and the endpoint id into the registration's options. */
function environmentLines(registration: MeumRegistration, endpointId: string, secret: string): string[] {
  if (registration.registrationId === DEFAULT_REGISTRATION) {
    return [
      `MEUM_WEBHOOK_SECRET=${secret}`,
      `MEUM_WEBHOOK_ENDPOINT_ID=${endpointId}`,
      "(during a switch from another endpoint, keep its secret too: MEUM_WEBHOOK_SECRET=<this one>,<the old one>)",
    ]
  }
  return [
    `options of provider "${registration.registrationId}" in medusa-config (through the env vars it reads):`,
    `  webhookSecret: "${secret}"`,
    `  webhookEndpointId: "${endpointId}"`,
  ]
}

/** `test-only` → `--test-only`, `registration=x` → `--registration=x` (see the header). */
const asFlags = (argv: string[]): string[] => argv.map((arg) => (/^[a-z][a-z-]*(=|$)/.test(arg) ? `--${arg}` : arg))

export async function setupMeumWebhook(container: Container, argv: string[], print: (line: string) => void): Promise<SetupWebhookResult> {
  const { values } = parseArgs({
    args: asFlags(argv),
    options: {
      registration: { type: "string", default: DEFAULT_REGISTRATION },
      "backend-url": { type: "string" },
      "test-only": { type: "boolean", default: false },
      endpoint: { type: "string" },
      new: { type: "boolean", default: false },
      "wait-seconds": { type: "string", default: "20" },
    },
    strict: true,
    allowPositionals: false,
  })
  const say = (line: string) => print(`setup-meum-webhook: ${line}`)
  const registration = meumRegistrationById(container, values.registration!)
  if (!registration) {
    const known = meumRegistrations(container).map((r) => r.registrationId)
    say(`missing: no Meum registration "${values.registration}" (registered: ${known.join(", ") || "none"})`)
    return { exitCode: 1 }
  }
  const again = values.registration === DEFAULT_REGISTRATION ? "" : ` registration=${values.registration}`
  const waitMs = Math.max(1, Number(values["wait-seconds"]) || 20) * 1000
  const client = registration.client
  let endpointId = values.endpoint ?? registration.options.webhookEndpointId
  let secret: string | undefined

  if (!values["test-only"]) {
    const origin = backendOrigin(container, values["backend-url"])
    if (!origin) {
      say("missing: the store's public URL: pass backend-url=https://<your-medusa> or set MEDUSA_BACKEND_URL")
      return { exitCode: 1 }
    }
    if (registration.options.webhookEndpointId && !values.new) {
      say(`registration "${registration.registrationId}" already has endpoint ${registration.options.webhookEndpointId} (webhookEndpointId): a second one would make Meum send every event twice.`)
      say(`test it with: ${COMMAND} test-only${again} — or pass new to create another anyway`)
      return { exitCode: 1 }
    }
    const url = `${origin}/hooks/meum`
    if (!url.startsWith("https://")) say(`warning: ${url} is not https: Meum's live API expects an HTTPS URL`)
    const created = await client.createWebhookEndpoint({ url, name: `Medusa (${registration.registrationId})`, events: [...WEBHOOK_EVENT_TYPES] })
    endpointId = created.id
    secret = created.secret
    say(`created Meum webhook endpoint ${created.id} for ${url}`)
    say("put these in the store's environment now — Meum shows the secret only this once:")
    for (const line of environmentLines(registration, created.id, created.secret)) print(`  ${line}`)
  }

  if (!endpointId) {
    say("missing: which endpoint to test: pass endpoint=wh_… or set webhookEndpointId (MEUM_WEBHOOK_ENDPOINT_ID)")
    return { exitCode: 1 }
  }
  const verdict = await sendAndCheckTestWebhook(endpointId, { client, storeRecord: (eventId) => (container.resolve(MEUM_LEDGER_MODULE) as MeumLedgerService).findDelivery(eventId), waitMs })
  const result: SetupWebhookResult = { exitCode: verdict.result === "verified" ? 0 : 1, endpointId, secret, verdict }
  if (verdict.result === "verified") {
    say(`ok: /hooks/meum received and verified Meum's test event ${verdict.event_id}`)
  } else if (verdict.result === "rejected" && verdict.status_code === 401 && secret) {
    // Expected right after the create: the running store cannot know the new secret yet.
    say(`Meum reaches the store: it answered 401 to test event ${verdict.event_id} because it does not have the new secret yet.`)
    say(`next: set the lines above, restart the store, then run: ${COMMAND} test-only${again}`)
    result.exitCode = 0
  } else if (verdict.result === "rejected") {
    say(`rejected: test event ${verdict.event_id}: ${verdict.detail}. Set the endpoint's secret in webhookSecret and restart the store, then run with test-only again.`)
  } else {
    say(`not received: test event ${verdict.event_id}: ${verdict.detail}`)
  }
  return result
}

export default async function setupMeumWebhookCommand({ container, args = [] }: ExecArgs): Promise<void> {
  // Printed, not logged: the secret line is for the person at the terminal, not for log storage.
  const result = await setupMeumWebhook(container, args, (line) => console.log(line)).catch((error: Error) => {
    // MeumApiError messages never carry the API key.
    console.error(`setup-meum-webhook: failed: ${error.message}`)
    return { exitCode: 1 as const }
  })
  if (result.exitCode) process.exitCode = result.exitCode
}
