/**
 * GET /admin/meum/invoices — the ledger's invoices that need the merchant (paid without order,
 * underpaid, amount mismatch, refunded after capture, completions that keep failing, unknown
 * statuses), each with the actions it allows and the webhook deliveries received for it.
 */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { attentionList } from "../../../../lib/ledger/attention"

export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  res.json({ invoices: await attentionList(req.scope) })
}
