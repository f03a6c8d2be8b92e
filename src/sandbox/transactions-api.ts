/**
 * The sandbox's transactions endpoints (meum-api.md §8.3), behind the /v1 API key:
 *   GET /v1/invoices/{id}/transactions → 200 {data: [PublicTransaction]} (not paginated), 404 unknown invoice
 *   GET /v1/transactions ?limit (1–100, 20)&starting_after|ending_before=txn_…&invoice_id&type&status
 *                       → the cursor page {data, has_more, next_cursor}, newest invoice first
 * The transactions themselves are derived from the invoices (transactions.ts).
 */
import express, { type Router } from "express"
import { z } from "zod"
import { sendError } from "./http-api"
import { PREFIXED_ID_PATTERN, UUID_PATTERN } from "./ids"
import type { InvoiceStore } from "./invoice-store"
import { TRANSACTION_TYPES, transactionsOfInvoice, type SandboxTransaction } from "./transactions"

const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: z.string().regex(PREFIXED_ID_PATTERN, "must be a transaction id").optional(),
  ending_before: z.string().regex(PREFIXED_ID_PATTERN, "must be a transaction id").optional(),
  invoice_id: z
    .string()
    .refine((value) => PREFIXED_ID_PATTERN.test(value) || UUID_PATTERN.test(value), "must be an invoice id")
    .optional(),
  type: z.enum(TRANSACTION_TYPES).optional(),
  status: z.string().min(1).max(50).optional(),
})

const issuesText = (error: z.ZodError) =>
  error.issues.map((issue) => `${issue.path.join(".") || "query"}: ${issue.message}`).join("; ")

/** Newest first: invoices newest first, and within one the latest movement first. */
function newestFirst(store: InvoiceStore, invoiceId: string | undefined): SandboxTransaction[] {
  const invoices = invoiceId ? [store.get(invoiceId)].filter((invoice) => invoice !== undefined) : store.list()
  return invoices.flatMap((invoice) => transactionsOfInvoice(invoice).reverse())
}

export function createTransactionsRouter(store: InvoiceStore): Router {
  const router = express.Router()

  router.get("/v1/invoices/:id/transactions", (req, res) => {
    const invoice = store.get(req.params.id)
    if (!invoice) return sendError(res, 404, "invalid_request_error", "resource_missing", "Invoice not found")
    res.json({ data: transactionsOfInvoice(invoice) })
  })

  router.get("/v1/transactions", (req, res) => {
    const parsed = listQuerySchema.safeParse(req.query)
    if (!parsed.success) return sendError(res, 400, "invalid_request_error", "validation_error", issuesText(parsed.error))
    const query = parsed.data
    const all = newestFirst(store, query.invoice_id).filter(
      (txn) => (!query.type || txn.type === query.type) && (!query.status || txn.status === query.status)
    )
    // Cursor semantics as the invoice list (an unknown cursor reads from the start).
    let start = 0
    let end = all.length
    if (query.starting_after) {
      start = all.findIndex((txn) => txn.id === query.starting_after) + 1
    } else if (query.ending_before) {
      const index = all.findIndex((txn) => txn.id === query.ending_before)
      end = index < 0 ? all.length : index
      start = Math.max(0, end - query.limit)
    }
    const data = all.slice(start, Math.min(end, start + query.limit))
    const hasMore = query.ending_before ? start > 0 : end - start > query.limit
    res.json({ data, has_more: hasMore, next_cursor: hasMore && data.length ? data[data.length - 1].id : null })
  })

  return router
}
