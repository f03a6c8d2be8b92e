/**
 * Issue 18, point 3b: one cart cannot spend the store's Meum budget (30 creates per minute per
 * IP, shared by every shopper). Each session POST that will create an invoice adds one to the
 * cart's counter in the database (shared by every server); past `maxInvoicesPerCart` in the
 * window, that cart alone is refused. A fixed window: at its edge a cart may briefly get up to
 * twice its budget, never more.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { MEUM_LEDGER_MODULE } from "../../modules/meum-ledger"
import type MeumLedgerService from "../../modules/meum-ledger/service"
import { windowStartOf } from "../../modules/meum-ledger/counter-window"

export interface InvoiceBudget {
  maxInvoicesPerCart: number
  invoiceBudgetWindowMinutes: number
}

export const invoiceBudgetKey = (cartOrCollectionId: string) => `invoice_creates:${cartOrCollectionId}`

/** Counts this attempt; `allowed: false` with the seconds until the window ends once over budget. */
export async function spendInvoiceBudget(
  container: MedusaContainer,
  cartOrCollectionId: string,
  budget: InvoiceBudget,
  now: number = Date.now()
): Promise<{ allowed: boolean; retryAfterSeconds: number; count: number }> {
  const windowMs = budget.invoiceBudgetWindowMinutes * 60_000
  // Counting before the create (not after) makes two concurrent POSTs of one cart see distinct counts.
  const count = await (container.resolve(MEUM_LEDGER_MODULE) as MeumLedgerService).bumpCounter({ key: invoiceBudgetKey(cartOrCollectionId), windowMs, now })
  const windowEnd = windowStartOf(now, windowMs).getTime() + windowMs
  return { allowed: count <= budget.maxInvoicesPerCart, retryAfterSeconds: Math.max(1, Math.ceil((windowEnd - now) / 1000)), count }
}
