/**
 * POST /admin/meum/invoices/:invoice_id/transactions/refresh — the admin's "Refresh from Meum": reads
 * the invoice's on-chain transactions again (`GET /v1/invoices/{id}/transactions`) and stores them
 * in the ledger; answers what was stored. The reconcile job reads them once on its own when the
 * invoice settles; this is for a settlement or refund that came later.
 */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { z } from "zod"
import { readAndStoreTransactions } from "../../../../../../../lib/invoice-transactions"
import { MeumApiError } from "../../../../../../../lib/meum/errors"
import { meumRegistrationFor } from "../../../../../../../lib/provider-registry"
import { MEUM_LEDGER_MODULE } from "../../../../../../../modules/meum-ledger"
import type MeumLedgerService from "../../../../../../../modules/meum-ledger/service"

const paramsSchema = z.object({ invoice_id: z.string().min(1).max(200) })

export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const parsed = paramsSchema.safeParse(req.params)
  if (!parsed.success) throw new MedusaError(MedusaError.Types.INVALID_DATA, parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "))
  const invoiceId = parsed.data.invoice_id
  const ledger = req.scope.resolve(MEUM_LEDGER_MODULE) as MeumLedgerService
  const row = await ledger.findInvoiceRow(invoiceId)
  if (!row) throw new MedusaError(MedusaError.Types.NOT_FOUND, `No Meum invoice ${invoiceId} in the ledger`)
  const registration = meumRegistrationFor(req.scope, row.provider_id)
  if (!registration) throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `${row.provider_id} is not a registered Meum provider (medusa-config)`)
  const readAt = new Date()
  try {
    const transactions = await readAndStoreTransactions(registration.client, ledger, invoiceId, readAt)
    res.json({ invoice_id: invoiceId, transactions, transactions_read_at: readAt.toISOString() })
  } catch (error) {
    if (!(error instanceof MeumApiError)) throw error
    // The client's messages never carry the API key.
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Meum did not list the transactions: ${error.message}`)
  }
}
