/**
 * POST /hooks/meum — the webhook URL to configure in Meum. With several Meum registrations
 * (several accounts), every registration's secrets are tried: the signature picks the account.
 * POST /hooks/meum/<registration id> (./[registration]/route.ts) uses one registration only.
 * The handling itself (verify, record, reconcile, answer) is in ./handle-webhook.ts.
 */
import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { meumRegistrations } from "../../../lib/provider-registry"
import { handleMeumWebhook } from "./handle-webhook"

export async function POST(req: MedusaRequest, res: MedusaResponse) {
  await handleMeumWebhook(req, res, meumRegistrations(req.scope))
}
