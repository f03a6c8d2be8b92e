/**
 * THE status table (ARCHITECTURE.md "Status table"): Meum invoice status → Medusa payment-session
 * status, and Meum webhook event → Medusa webhook action. This is the only place the mapping
 * lives; README prints the same table. `Record<Union, …>` makes the compiler reject a missing row.
 *
 * Medusa's status/action names are spelled out as string literals here because this folder must
 * not import `@medusajs/*`; they are checked against Medusa's own types in the provider.
 */
import type { InvoiceStatus, ReadInvoiceStatus, WebhookEventType } from "./schemas"

export type SessionStatus =
  | "authorized"
  | "captured"
  | "pending"
  | "requires_more"
  | "error"
  | "canceled"
  | "pending_authorization"

export type WebhookAction =
  | "authorized"
  | "captured"
  | "failed"
  | "pending"
  | "requires_more"
  | "canceled"
  | "not_supported"
  | "pending_authorization"

export type CheckoutMode = "pay_first" | "order_first"

interface StatusRow {
  pay_first: SessionStatus
  order_first: SessionStatus
}

export const INVOICE_STATUS_TABLE = {
  pending: { pay_first: "pending", order_first: "pending_authorization" },
  quoted: { pay_first: "pending", order_first: "pending_authorization" },
  awaiting_payment: { pay_first: "pending", order_first: "pending_authorization" },
  // Only when amount and currency match the session: see sessionStatusForInvoice.
  paid: { pay_first: "captured", order_first: "captured" },
  // Terminal at Meum: the merchant decides (accept the shortfall or reject). Order-first keeps the
  // order awaiting so the operator can act on it.
  underpaid: { pay_first: "requires_more", order_first: "pending_authorization" },
  expired: { pay_first: "canceled", order_first: "canceled" },
  cancelled: { pay_first: "canceled", order_first: "canceled" },
  failed: { pay_first: "error", order_first: "error" },
  // Refunded before capture: nothing was captured, so the session is dead. After capture Medusa
  // never asks again (the session is authorized), so this row cannot undo a capture.
  refunded: { pay_first: "canceled", order_first: "canceled" },
  // A status Meum's docs do not list (or none): nothing is authorized and nothing is cancelled.
  // The reconcile path leaves the session as it is and logs the invoice for the merchant.
  unknown: { pay_first: "pending", order_first: "pending" },
} as const satisfies Record<ReadInvoiceStatus, StatusRow>

export const WEBHOOK_EVENT_TABLE = {
  "invoice.created": "not_supported",
  // Reported with the session amount, and only when the re-fetched invoice matches the session.
  "invoice.paid": "captured",
  "invoice.underpaid": "requires_more",
  "invoice.failed": "failed",
  "invoice.expired": "canceled",
  "invoice.cancelled": "canceled",
  // Platform-emitted, never merchant-initiated: recorded, never acted on silently.
  "invoice.refunded": "not_supported",
  "webhook.test": "not_supported",
} as const satisfies Record<WebhookEventType, WebhookAction>

/**
 * What an invoice's status means for reconciliation, in one word. Every other list of statuses in
 * the plugin (open, dead, settled) is derived from this row.
 */
export type InvoicePhase = "open" | "paid" | "underpaid" | "dead" | "refunded" | "unknown"

export const INVOICE_PHASE = {
  pending: "open",
  quoted: "open",
  awaiting_payment: "open",
  paid: "paid",
  // Terminal at Meum (no top-up): the merchant accepts or rejects the shortfall.
  underpaid: "underpaid",
  // Terminal and unpaid: an order-first order waiting on it will never be paid by it.
  expired: "dead",
  cancelled: "dead",
  failed: "dead",
  refunded: "refunded",
  unknown: "unknown",
} as const satisfies Record<ReadInvoiceStatus, InvoicePhase>

export const invoicePhase = (status: ReadInvoiceStatus): InvoicePhase => INVOICE_PHASE[status]

/** Invoices that can still receive a payment. Everything else is terminal at Meum. */
export const OPEN_INVOICE_STATUSES = (Object.keys(INVOICE_PHASE) as ReadInvoiceStatus[]).filter((status) => INVOICE_PHASE[status] === "open") as InvoiceStatus[]
export const isOpenInvoiceStatus = (status: string): boolean => (INVOICE_PHASE as Record<string, InvoicePhase>)[status] === "open"

/**
 * The invoice status an event announces: the invoice read back from Meum must agree before the
 * event is acted on (an event without one — created, refunded, test — is never acted on itself).
 */
export const STATUS_OF_EVENT = {
  "invoice.created": undefined,
  "invoice.paid": "paid",
  "invoice.underpaid": "underpaid",
  "invoice.failed": "failed",
  "invoice.expired": "expired",
  "invoice.cancelled": "cancelled",
  "invoice.refunded": undefined,
  "webhook.test": undefined,
} as const satisfies Record<WebhookEventType, ReadInvoiceStatus | undefined>

/**
 * Session status for an invoice. A paid invoice whose amount or currency differ from what the
 * session asked is never `captured`: it becomes `error` so the merchant has to look at it.
 */
export function sessionStatusForInvoice(
  status: ReadInvoiceStatus,
  mode: CheckoutMode,
  paidAsAsked = true
): SessionStatus {
  if (status === "paid" && !paidAsAsked) {
    return "error"
  }
  return INVOICE_STATUS_TABLE[status][mode]
}

export function webhookActionForEvent(type: WebhookEventType): WebhookAction {
  return WEBHOOK_EVENT_TABLE[type]
}
