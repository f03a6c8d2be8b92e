/**
 * GET /admin/meum/invoices — the ledger's invoices that need the merchant (paid without order,
 * underpaid, amount mismatch, refunded after capture, completions that keep failing, unknown
 * statuses), each with the actions it allows and the webhook deliveries received for it.
 */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MEUM_LEDGER_MODULE } from "../../../../modules/meum-ledger"
import type MeumLedgerService from "../../../../modules/meum-ledger/service"
import { actionsFor } from "../ledger/actions"

export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const items = await req.scope.resolve<MeumLedgerService>(MEUM_LEDGER_MODULE).attentionList()
  res.json({ invoices: items.map(({ invoice, deliveries }) => ({ invoice, actions: actionsFor(invoice), deliveries })) })
}
