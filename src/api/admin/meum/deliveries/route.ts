/** GET /admin/meum/deliveries — the latest webhook deliveries and their verdicts (a run of bad_signature says the secret is wrong). */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { recentDeliveries } from "../../../../lib/ledger/attention"

export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  res.json({ deliveries: await recentDeliveries(req.scope) })
}
