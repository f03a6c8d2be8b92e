/**
 * GET /admin/meum/deliveries — the latest verified webhook deliveries and their outcomes, and the
 * rejected ones of the last hour: counts per minute and reason (a run of bad_signature says the
 * secret is wrong) with a few samples (time, reason, status, sizes — never a header value or body).
 */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MEUM_LEDGER_MODULE } from "../../../../modules/meum-ledger"
import type MeumLedgerService from "../../../../modules/meum-ledger/service"

export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const ledger = req.scope.resolve<MeumLedgerService>(MEUM_LEDGER_MODULE)
  const [deliveries, rejected] = await Promise.all([ledger.recentDeliveries(), ledger.rejectedDeliveryCounts()])
  res.json({ deliveries, rejected })
}
