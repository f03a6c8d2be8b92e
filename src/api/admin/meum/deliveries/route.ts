/**
 * GET /admin/meum/deliveries — the latest verified webhook deliveries and their outcomes, and the
 * rejected ones of the last hour: counts per minute and reason (a run of bad_signature says the
 * secret is wrong) with a few samples (time, reason, status, sizes — never a header value or body).
 */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { recentDeliveries } from "../../../../lib/ledger/attention"
import { rejectedDeliveryCounts } from "../../../../lib/ledger/deliveries"

export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const [deliveries, rejected] = await Promise.all([recentDeliveries(req.scope), rejectedDeliveryCounts(req.scope)])
  res.json({ deliveries, rejected })
}
