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
  /** An abandoned invoice: cancelled at Meum now (`cancelled`), or Meum said it was no longer open. */
  | { outcome: "abandoned_settled"; cancelled: boolean; invoiceStatus?: InvoiceStatus }
  /** The merchant's decision was carried out (or had been: `already`). */
  | {
      outcome: "decided"
      decision: "accepted" | "rejected" | "resolved"
      already?: boolean
      orderId?: string
      paidAmount?: string
      shortfall?: string
      currency?: string
      /** Rejected, but the order was kept: its money arrived another way. */
      orderKeptBecause?: string
    }
