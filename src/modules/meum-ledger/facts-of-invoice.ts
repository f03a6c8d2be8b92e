/**
 * What Meum's invoice itself says about where it belongs, as the ledger records it: the metadata
 * written at creation, and for the cart, its external_order_id when the metadata came back empty
 * (the row still names its cart).
 */
import type { Invoice } from "../../lib/meum/schemas"
import { cartIdOfInvoice } from "../../lib/meum/external-order-id"
import type { LedgerInvoiceFacts } from "./service"

const text = (value: unknown): string | undefined => (typeof value === "string" && value ? value : undefined)

export function factsOfInvoice(invoice: Invoice, providerId: string): LedgerInvoiceFacts {
  const metadata = invoice.metadata ?? {}
  return {
    invoiceId: invoice.id,
    providerId,
    sessionId: text(metadata.medusa_session_id),
    cartId: cartIdOfInvoice(invoice),
    paymentCollectionId: text(metadata.medusa_payment_collection_id),
    externalOrderId: invoice.external_order_id ?? null,
    amount: text(metadata.medusa_amount) ?? invoice.amount,
    currency: text(metadata.medusa_currency) ?? invoice.currency,
    meumStatus: invoice.reported_status ?? invoice.status,
  }
}
