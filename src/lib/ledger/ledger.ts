/**
 * Reading and writing the plugin's ledger (src/modules/meum-ledger) from the adapters: the one
 * place an observation becomes a state, through the state machine. Only server code calls this.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { Invoice } from "../meum/schemas"
import { cartIdOfInvoice } from "../meum/external-order-id"
import { MEUM_LEDGER_MODULE } from "../../modules/meum-ledger"
import type MeumLedgerService from "../../modules/meum-ledger/service"
import type { LedgerState, Observation, Transition } from "../../modules/meum-ledger/state-machine"

export interface InvoiceFacts {
  invoiceId: string
  providerId: string
  sessionId?: string
  cartId?: string
  paymentCollectionId?: string
  externalOrderId?: string | null
  amount?: string
  currency?: string
  meumStatus?: string | null
  orderId?: string
}

export interface LedgerInvoiceRow {
  id: string
  invoice_id: string
  state: LedgerState
  attempts: number
  attention_reason: string | null
  payment_session_id: string | null
  order_id: string | null
  next_check_at: Date | string | null
  decision: string | null
}

export const ledgerOf = (container: MedusaContainer): MeumLedgerService => container.resolve(MEUM_LEDGER_MODULE) as MeumLedgerService

const text = (value: unknown): string | undefined => (typeof value === "string" && value ? value : undefined)

/**
 * What Meum's invoice itself says about where it belongs: the metadata written at creation, and for
 * the cart, its external_order_id when the metadata came back empty (the row still names its cart).
 */
export function factsOfInvoice(invoice: Invoice, providerId: string): InvoiceFacts {
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

export async function findLedgerInvoice(container: MedusaContainer, invoiceId: string): Promise<LedgerInvoiceRow | undefined> {
  const [row] = await ledgerOf(container).listMeumInvoices({ invoice_id: invoiceId })
  return row as unknown as LedgerInvoiceRow | undefined
}

/** Postgres unique violation (23505), as the module's data layer reports it. */
export const isUniqueViolation = (error: unknown): boolean =>
  /unique|duplicate|already exists/i.test(String((error as { message?: string })?.message ?? "")) ||
  (error as { code?: string })?.code === "23505"
