/** What one reconcile run did, as the webhook route, the job and admin report it. */
import type { ReadInvoiceStatus as InvoiceStatus } from "../lib/meum/schemas"

export type ReconcileOutcome =
  | { outcome: "skipped"; reason: string }
  | { outcome: "open"; invoiceStatus: InvoiceStatus }
  | { outcome: "captured"; duplicate: boolean; orderId?: string }
  | { outcome: "updated"; duplicate: boolean; invoiceStatus: InvoiceStatus; sessionStatus: string }
  | { outcome: "mismatch"; invoiceStatus: InvoiceStatus }
  | { outcome: "awaiting_grace"; invoiceStatus: InvoiceStatus; orderId: string; remainingMs: number }
  | { outcome: "order_canceled"; invoiceStatus: InvoiceStatus; orderId: string }
  /** Order-first: the invoice died but the order's money arrived another way; the merchant is told. */
  | { outcome: "order_kept"; invoiceStatus: InvoiceStatus; orderId: string; reason: string }
  /** Order-first: Medusa refused (or failed) to cancel the order; the ledger counts the attempts. */
  | { outcome: "order_cancel_failed"; invoiceStatus: InvoiceStatus; orderId: string; error: string }
  | { outcome: "unknown_status"; reportedStatus: string | null }
