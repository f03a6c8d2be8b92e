/**
 * POST /admin/meum/invoices/:invoice_id/resolve {note?} — the merchant handled it outside the plugin
 * ("mark resolved"), recorded by the reconcile workflow with who, when and the note.
 */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { z } from "zod"
import { runReconcileMeumSession } from "../../../../../../workflows/reconcile-meum-session"
import { MEUM_LEDGER_MODULE } from "../../../../../../modules/meum-ledger"
import type MeumLedgerService from "../../../../../../modules/meum-ledger/service"

const inputSchema = z.object({ invoice_id: z.string().min(1).max(200), note: z.string().max(500).optional() })

export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const parsed = inputSchema.safeParse({ invoice_id: req.params.invoice_id, note: (req.body as { note?: unknown } | undefined)?.note })
  if (!parsed.success) throw new MedusaError(MedusaError.Types.INVALID_DATA, parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "))
  const ledger = req.scope.resolve(MEUM_LEDGER_MODULE) as MeumLedgerService
  if (!(await ledger.findInvoiceRow(parsed.data.invoice_id))) throw new MedusaError(MedusaError.Types.NOT_FOUND, `No Meum invoice ${parsed.data.invoice_id} in the ledger`)
  const outcome = await runReconcileMeumSession(req.scope, {
    invoice_id: parsed.data.invoice_id,
    force: true,
    merchant: { action: "resolve", by: req.auth_context?.actor_id, note: parsed.data.note },
  })
  const invoice = await ledger.findInvoiceRow(parsed.data.invoice_id)
  res.json(outcome.outcome === "decided" && outcome.already ? { invoice, already: true } : { invoice })
}
