/**
 * POST /hooks/meum/<registration id> — the webhook URL of one Meum registration, e.g.
 * /hooks/meum/meum_second for the provider entry `id: "meum_second"` (pp_meum_meum_second).
 * Only that registration's secrets verify it. An unknown id is answered 404.
 */
import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { meumRegistrationById } from "../../../../lib/provider-registry"
import { handleMeumWebhook } from "../route"

export async function POST(req: MedusaRequest, res: MedusaResponse) {
  const registration = meumRegistrationById(req.scope, String(req.params.registration ?? ""))
  if (!registration) {
    res.status(404).json({ received: false, error: "no Meum payment provider is registered with this id" })
    return
  }
  await handleMeumWebhook(req, res, [registration])
}
