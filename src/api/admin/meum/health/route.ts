/**
 * GET /admin/meum/health — is the Meum integration healthy? For each registration of the provider:
 * its id, the API host it talks to, whether it is order-first, the webhook URL to paste into Meum,
 * a ping through Meum's documented `GET /health`, and the last webhook delivery the store recorded
 * for it; and the rejected deliveries of the last 24 hours, counted per reason. Never an API key,
 * a secret or a signature (the ledger does not keep them).
 */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { MEUM_LEDGER_MODULE } from "../../../../modules/meum-ledger"
import type MeumLedgerService from "../../../../modules/meum-ledger/service"
import { meumRegistrations, type MeumRegistration } from "../../../../lib/provider-registry"
import { REJECTED_PREFIX } from "../../../../modules/meum-ledger/rejected-deliveries"
import { summarizeRejected, type CounterLike } from "./rejected-summary"

const REJECTED_WINDOW_MS = 24 * 3_600_000
const DELIVERY_FIELDS = ["id", "event_type", "invoice_id", "provider_id", "verdict", "outcome", "http_status", "created_at"]

/** The backend's public origin: `admin.backendUrl` when it is absolute, else what the request came to. */
function backendOrigin(req: AuthenticatedMedusaRequest): string {
  let configured: unknown
  try {
    configured = (req.scope.resolve(ContainerRegistrationKeys.CONFIG_MODULE) as { admin?: { backendUrl?: unknown } }).admin?.backendUrl
  } catch {
    configured = undefined
  }
  if (typeof configured === "string" && /^https?:\/\//.test(configured)) return configured.replace(/\/+$/, "")
  return `${req.protocol}://${req.get("host")}`
}

async function ping(registration: MeumRegistration) {
  const started = Date.now()
  try {
    await registration.client.health()
    return { ok: true as const, ms: Date.now() - started }
  } catch (error) {
    // MeumApiError messages never carry the key (the client redacts them).
    return { ok: false as const, ms: Date.now() - started, error: error instanceof Error ? error.message : String(error) }
  }
}

export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const ledger = req.scope.resolve<MeumLedgerService>(MEUM_LEDGER_MODULE)
  const origin = backendOrigin(req)
  const registrations = meumRegistrations(req.scope)
  const since = new Date(Date.now() - REJECTED_WINDOW_MS)

  const [rows, counters] = await Promise.all([
    Promise.all(
      registrations.map(async (registration) => {
        const [pinged, [last]] = await Promise.all([
          ping(registration),
          ledger.listMeumWebhookEvents({ provider_id: registration.providerId }, { select: DELIVERY_FIELDS, order: { created_at: "DESC" }, take: 1 }),
        ])
        return {
          provider_id: registration.providerId,
          registration_id: registration.registrationId,
          api_host: new URL(registration.options.apiBaseUrl).host,
          order_first: Boolean(registration.options.orderFirst),
          // /hooks/meum serves every registration (the signature picks the account); the named URL only this one.
          webhook_url_own: `${origin}/hooks/meum/${encodeURIComponent(registration.registrationId)}`,
          ping: pinged,
          last_delivery: last ?? null,
        }
      })
    ),
    ledger.listMeumCounters(
      { key: { $like: `${REJECTED_PREFIX}%` }, window_start: { $gte: since } } as Parameters<MeumLedgerService["listMeumCounters"]>[0],
      { order: { window_start: "DESC" }, take: 2000 }
    ),
  ])

  res.json({
    webhook_url: `${origin}/hooks/meum`,
    registrations: rows,
    rejected: summarizeRejected(counters as unknown as CounterLike[], REJECTED_PREFIX, since),
  })
}
