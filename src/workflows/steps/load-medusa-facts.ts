/**
 * Everything the decision needs from Medusa and the ledger, read in one place before deciding:
 * the session and its payment, the cart and its order, the ledger row, and — only for an
 * order-first order whose invoice died — whether the order's money arrived another way.
 */
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { invoicePhase } from "../../lib/meum/status-table"
import type { Invoice } from "../../lib/meum/schemas"
import { cartIdOfInvoice } from "../../lib/meum/external-order-id"
import { askedFromMetadata, isPaidAsAsked } from "../../lib/meum/invoice-checks"
import { meumRegistrationFor } from "../../lib/provider-registry"
import { readStoredSessionData } from "../../lib/session-data"
import { MEUM_LEDGER_MODULE } from "../../modules/meum-ledger"
import type MeumLedgerService from "../../modules/meum-ledger/service"
import type { LedgerInvoiceRow } from "../../modules/meum-ledger/service"
import type { InvoiceFacts, MedusaFacts, MerchantAction } from "../../modules/meum-ledger/decide"
import type { LocatedInvoice } from "./locate-meum-invoice"
import type { ReadInvoiceResult } from "./read-meum-invoice"
import { cartAndOrder, collectionOfCart } from "./cart-and-order"
import { moneyArrivedFor } from "./money-arrived"

export interface LoadedFacts {
  row?: LedgerInvoiceRow
  invoice?: InvoiceFacts
  medusa?: MedusaFacts
  graceMs: number
  lifetimeMs?: number
  /** The session as Medusa holds it (the capture branch needs its amount). */
  session?: { id: string; amount: number; status: string; paymentId?: string }
  cartId?: string
}

interface SessionRow {
  id: string
  status: string
  provider_id: string
  amount: unknown
  data: Record<string, unknown>
  payment_collection_id: string
  payment?: { id: string; captured_at?: Date | string | null } | null
}

async function orderStatus(container: MedusaContainer, orderId: string): Promise<string> {
  const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "order", fields: ["id", "status"], filters: { id: orderId } })
  return (data[0] as { status?: string } | undefined)?.status ?? "unknown"
}

/**
 * The live session of the invoice's cart that holds the invoice, when the one a caller named does
 * not (e.g. a late copy of a webhook naming the session Medusa replaced, after another session adopted it).
 */
async function holderOf(container: MedusaContainer, invoice: Invoice): Promise<SessionRow | undefined> {
  const cartId = cartIdOfInvoice(invoice)
  if (!cartId) return undefined
  const collectionId = await collectionOfCart(container, cartId)
  if (!collectionId) return undefined
  const sessions = (await container.resolve(Modules.PAYMENT).listPaymentSessions({ payment_collection_id: collectionId }, { relations: ["payment"] })) as unknown as SessionRow[]
  return sessions.find((candidate) => readStoredSessionData(candidate.data)?.invoice_id === invoice.id)
}

export const loadMedusaFactsStep = createStep(
  "load-medusa-facts",
  async ({ located, read, merchant }: { located: LocatedInvoice; read: ReadInvoiceResult; merchant?: MerchantAction }, { container }) => {
    const ledger = container.resolve(MEUM_LEDGER_MODULE) as MeumLedgerService
    const invoiceId = read.invoice?.id ?? located.invoiceId
    const row = invoiceId && !located.skip ? await ledger.findInvoiceRow(invoiceId) : undefined
    const registration = meumRegistrationFor(container, located.providerId)
    const graceMs = (registration?.options.orderFirstGraceSeconds ?? 0) * 1000
    const lifetimeMs = registration ? registration.options.invoiceLifetimeMinutes * 60_000 : undefined
    const invoice = read.invoice
    if (located.skip || !invoice) return new StepResponse<LoadedFacts>({ row, graceMs, lifetimeMs })

    const [found] = (await container.resolve(Modules.PAYMENT).listPaymentSessions({ id: located.sessionId }, { relations: ["payment"] })) as unknown as SessionRow[]
    const session = found && readStoredSessionData(found.data)?.invoice_id === invoice.id ? found : await holderOf(container, invoice)
    // The session's own registration decides the checkout mode; an orphaned invoice has no session to decide for.
    const mode = meumRegistrationFor(container, session?.provider_id ?? located.providerId)?.options.orderFirst ? "order_first" : "pay_first"
    const stored = session ? readStoredSessionData(session.data) : undefined
    // What was asked: as the ledger recorded it at creation; else as the provider wrote it into Meum's
    // metadata; session data (shopper-writable) only when neither has it.
    const written = invoice.metadata?.medusa_amount !== undefined && invoice.metadata?.medusa_currency !== undefined
    const asked =
      row?.amount && row.currency_code
        ? { amount: row.amount, currency: row.currency_code }
        : written || !stored
          ? askedFromMetadata(invoice)
          : { amount: stored.amount, currency: stored.currency }
    const { cartId, orderId } = session ? await cartAndOrder(container, session.payment_collection_id) : {}
    const order = orderId ? { id: orderId, status: await orderStatus(container, orderId) } : undefined
    const phase = invoicePhase(invoice.status)
    // Asked only before the plugin would cancel an order: an order-first order whose invoice died,
    // or the order of an underpayment the merchant refuses (its own invoice not counted).
    const mayCancelOrder = order && order.status !== "canceled" && ((mode === "order_first" && phase === "dead") || merchant === "reject_underpaid")
    const moneyArrivedElsewhere = mayCancelOrder ? await moneyArrivedFor(container, order.id, cartId, invoice.id) : undefined
    const deadSinceMs = phase === "dead" ? Date.parse(invoice.updated_at ?? invoice.expires_at ?? "") || 0 : undefined
    const createdAtMs = invoice.created_at ? Date.parse(invoice.created_at) : NaN
    return new StepResponse<LoadedFacts>({
      row,
      graceMs,
      lifetimeMs,
      cartId,
      invoice: { status: invoice.status, paidAsAsked: invoice.status === "paid" && isPaidAsAsked(invoice, asked), ...(deadSinceMs !== undefined ? { deadSinceMs } : {}), ...(Number.isFinite(createdAtMs) ? { createdAtMs } : {}) },
      medusa: {
        mode,
        heldBySession: Boolean(session),
        sessionStatus: session?.status,
        captured: Boolean(session?.payment?.captured_at),
        hasCart: Boolean(cartId),
        ...(order ? { order } : {}),
        ...(moneyArrivedElsewhere ? { moneyArrivedElsewhere } : {}),
      },
      ...(session ? { session: { id: session.id, amount: Number(session.amount), status: session.status, paymentId: session.payment?.id } } : {}),
    })
  }
)
