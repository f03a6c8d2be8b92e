/**
 * GET /admin/meum/ledger?state=&q=&limit=&offset= — the ledger's invoices, a page at a time, for the
 * admin's Meum page: filtered by state (default: the ones that need the merchant or wait for their
 * order), or by an invoice / order / cart id, newest first, with what the merchant may do on each.
 * Read through the ledger module's service.
 */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { z } from "zod"
import { MEUM_LEDGER_MODULE } from "../../../../modules/meum-ledger"
import type MeumLedgerService from "../../../../modules/meum-ledger/service"
import { ATTENTION_FILTER_STATES } from "../../../../modules/meum-ledger/service"
import { LEDGER_STATES } from "../../../../modules/meum-ledger/decide"
import { actionsFor } from "./actions"

const querySchema = z.object({
  state: z.enum(["attention", "all", ...LEDGER_STATES]).default("attention"),
  q: z.string().trim().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
})

export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const parsed = querySchema.safeParse(req.query)
  if (!parsed.success) throw new MedusaError(MedusaError.Types.INVALID_DATA, parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "))
  const { state, q, limit, offset } = parsed.data
  const filters: Record<string, unknown> = {}
  // "attention": what needs the merchant, or is paid and still waits for its order.
  if (state === "attention") filters.state = ATTENTION_FILTER_STATES
  else if (state !== "all") filters.state = state
  if (q) filters.$or = [{ invoice_id: q }, { order_id: q }, { cart_id: q }, { payment_session_id: q }]
  const ledger = req.scope.resolve<MeumLedgerService>(MEUM_LEDGER_MODULE)
  const [rows, count] = await ledger.listAndCountMeumInvoices(filters as Parameters<MeumLedgerService["listMeumInvoices"]>[0], {
    order: { updated_at: "DESC" },
    take: limit,
    skip: offset,
  })
  res.json({
    invoices: rows.map((row) => ({ ...row, actions: actionsFor(row) })),
    count,
    limit,
    offset,
  })
}
