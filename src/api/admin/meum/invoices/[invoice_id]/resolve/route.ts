/** POST /admin/meum/invoices/:invoice_id/resolve {note?} — the merchant handled it outside the plugin ("mark resolved"). */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { z } from "zod"
import { findLedgerInvoice, ledgerOf } from "../../../../../../lib/ledger/ledger"
import { withCollectionLock } from "../../../../../../lib/ledger/collection-lock"
import { isAllowedTransition } from "../../../../../../modules/meum-ledger/state-machine"

const inputSchema = z.object({ invoice_id: z.string().min(1).max(200), note: z.string().max(500).optional() })

export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const parsed = inputSchema.safeParse({ invoice_id: req.params.invoice_id, note: (req.body as { note?: unknown } | undefined)?.note })
  if (!parsed.success) throw new MedusaError(MedusaError.Types.INVALID_DATA, parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "))
  const found = await findLedgerInvoice(req.scope, parsed.data.invoice_id)
  if (!found) throw new MedusaError(MedusaError.Types.NOT_FOUND, `No Meum invoice ${parsed.data.invoice_id} in the ledger`)
  const collectionId = (found as { payment_collection_id?: string | null }).payment_collection_id
  const result = await withCollectionLock(req.scope, collectionId, found.invoice_id, () => resolveLocked(req, parsed.data.invoice_id, parsed.data.note))
  res.json(result)
}

async function resolveLocked(req: AuthenticatedMedusaRequest, invoiceId: string, note: string | undefined) {
  const row = (await findLedgerInvoice(req.scope, invoiceId))!
  if (row.state === "resolved") return { invoice: row, already: true }
  if (!isAllowedTransition(row.state, "resolved")) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Meum invoice ${row.invoice_id} is ${row.state}: only an invoice that needs attention can be marked resolved`)
  }
  const invoice = await ledgerOf(req.scope).updateMeumInvoices({
    id: row.id,
    state: "resolved",
    next_check_at: null,
    decision: note ? `resolved: ${note}` : "resolved",
    decided_by: req.auth_context?.actor_id ?? null,
    decided_at: new Date(),
  })
  return { invoice }
}
