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
import {
  isAllowedTransition,
  nextLedgerState,
  type LedgerState,
  type Observation,
  type Transition,
} from "../../modules/meum-ledger/state-machine"

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

/**
 * Records one observation of an invoice: upserts its row and moves it through the state machine.
 * A transition the machine does not allow (e.g. a resolved invoice seen again) keeps the state
 * and only refreshes what Meum said. Safe when two processes record the same invoice at once.
 */
export async function recordObservation(
  container: MedusaContainer,
  facts: InvoiceFacts,
  observation: Observation,
  now: number = Date.now()
): Promise<{ row: LedgerInvoiceRow; transition: Transition; changed: boolean }> {
  const ledger = ledgerOf(container)
  const existing = await findLedgerInvoice(container, facts.invoiceId)
  const current = existing ? { state: existing.state, attempts: existing.attempts } : { state: "open" as LedgerState, attempts: 0 }
  const transition = nextLedgerState(current, observation)
  const allowed = isAllowedTransition(current.state, transition.state)
  if (!allowed) {
    container
      .resolve(ContainerRegistrationKeys.LOGGER)
      .warn(`Meum ledger: invoice ${facts.invoiceId} stays ${current.state} (${observation.kind} would make it ${transition.state})`)
  }
  const fields = {
    provider_id: facts.providerId,
    ...(facts.sessionId ? { payment_session_id: facts.sessionId } : {}),
    ...(facts.cartId ? { cart_id: facts.cartId } : {}),
    ...(facts.paymentCollectionId ? { payment_collection_id: facts.paymentCollectionId } : {}),
    ...(facts.externalOrderId ? { external_order_id: facts.externalOrderId } : {}),
    ...(facts.amount ? { amount: facts.amount } : {}),
    ...(facts.currency ? { currency_code: facts.currency } : {}),
    ...(facts.meumStatus ? { meum_status: facts.meumStatus } : {}),
    ...(facts.orderId ? { order_id: facts.orderId } : {}),
    last_checked_at: new Date(now),
    ...(allowed
      ? {
          state: transition.state,
          attempts: transition.attempts,
          attention_reason: transition.state === "needs_attention" ? transition.reason ?? existing?.attention_reason ?? null : null,
          next_check_at: transition.nextCheckInMs === null ? null : new Date(now + transition.nextCheckInMs),
          last_error: "error" in observation ? observation.error.slice(0, 2000) : null,
        }
      : {}),
  }
  let row: LedgerInvoiceRow
  if (existing) {
    row = (await ledger.updateMeumInvoices({ id: existing.id, ...fields })) as unknown as LedgerInvoiceRow
  } else {
    try {
      row = (await ledger.createMeumInvoices({ invoice_id: facts.invoiceId, ...fields })) as unknown as LedgerInvoiceRow
    } catch (error) {
      if (!isUniqueViolation(error)) throw error
      // Another process created it a moment ago: record on top of its row.
      return recordObservation(container, facts, observation, now)
    }
  }
  return { row, transition, changed: allowed && transition.state !== current.state }
}
