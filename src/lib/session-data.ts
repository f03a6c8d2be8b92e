/**
 * The payment session `data` this provider writes. Medusa's store API returns it to browsers
 * (`payment_collection.payment_sessions[].data`), so it holds only public facts about the
 * invoice: never the API key, a secret or a signature.
 */
import { z } from "zod"
import { type Invoice, type ReadInvoiceStatus } from "./meum/schemas"
import { isOpenInvoiceStatus } from "./meum/status-table"

export const storedSessionDataSchema = z.looseObject({
  invoice_id: z.string().min(1),
  session_id: z.string().optional(),
  amount: z.string(),
  currency: z.string(),
  external_order_id: z.string().optional(),
  cart_id: z.string().optional(),
})
export type StoredSessionData = z.infer<typeof storedSessionDataSchema>

export interface PublicInvoiceFacts {
  invoice_id: string
  /** Only while the invoice can be paid (Meum itself sends null once it cannot). */
  checkout_url: string | null
  expires_at: string | null
  status: ReadInvoiceStatus
  /** Meum's own word when it is not one of the documented statuses (shown in admin). */
  reported_status?: string | null
  amount: string
  currency: string
  paid_amount: string | null
  output_asset: string | null
  transaction_hash: string | null
  paid_at: string | null
}

export function publicInvoiceFacts(invoice: Invoice): PublicInvoiceFacts {
  return {
    invoice_id: invoice.id,
    checkout_url: isOpenInvoiceStatus(invoice.status) ? invoice.checkout_url : null,
    expires_at: invoice.expires_at ?? null,
    status: invoice.status,
    ...(invoice.status === "unknown" ? { reported_status: invoice.reported_status } : {}),
    amount: invoice.amount,
    currency: invoice.currency,
    paid_amount: invoice.paid_amount ?? null,
    output_asset: invoice.output_asset ?? null,
    transaction_hash: invoice.transaction_hash ?? null,
    paid_at: invoice.paid_at ?? null,
  }
}

/** Reads our fields back from a session's data; undefined when no invoice was ever created. */
export function readStoredSessionData(data: Record<string, unknown> | undefined): StoredSessionData | undefined {
  const parsed = storedSessionDataSchema.safeParse(data ?? {})
  return parsed.success ? parsed.data : undefined
}
