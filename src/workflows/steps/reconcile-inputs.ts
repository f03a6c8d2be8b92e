/**
 * What a reconcile run reads before it decides, in the order the workflow reads it: which invoice
 * and session the run is about (locate), the invoice as Meum reports it (read, once), and the
 * Medusa and ledger facts the decision needs (load). Also the cart ↔ payment collection ↔ order
 * links every part of the plugin asks about.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ContainerRegistrationKeys, MedusaError, Modules } from "@medusajs/framework/utils"
import { invoicePhase } from "../../lib/meum/status-table"
import type { Invoice } from "../../lib/meum/schemas"
import { MeumApiError } from "../../lib/meum/errors"
import { cartIdOfInvoice } from "../../lib/meum/external-order-id"
import { askedFromMetadata, isPaidAsAsked } from "../../lib/meum/invoice-checks"
import { rememberPaidRead } from "../../lib/meum/client"
import { logUnknownStatusOnce } from "../../lib/meum/unknown-status-log"
import { isMeumProviderId, meumRegistrationFor } from "../../lib/provider-registry"
import { readStoredSessionData } from "../../lib/session-data"
import { MEUM_LEDGER_MODULE } from "../../modules/meum-ledger"
import type MeumLedgerService from "../../modules/meum-ledger/service"
import type { LedgerInvoiceRow } from "../../modules/meum-ledger/service"
import type { InvoiceFacts, MedusaFacts, MerchantAction } from "../../modules/meum-ledger/decide"

/**
 * The links between a cart, its payment collection and the order placed from it, read through
 * Medusa's query (the link tables cart_payment_collection and order_cart). The one place the
 * workflow's steps (and the webhook route) ask these questions.
 */
type Resolver = Pick<MedusaContainer, "resolve">

/** The payment collection of a cart, if it has one. */
export async function collectionOfCart(container: Resolver, cartId: string): Promise<string | undefined> {
  const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "cart_payment_collection", fields: ["payment_collection_id"], filters: { cart_id: cartId } })
  return (data[0] as { payment_collection_id?: string } | undefined)?.payment_collection_id
}

/** The order placed from a cart, if any. */
export async function orderOfCart(container: Resolver, cartId: string): Promise<string | undefined> {
  const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "order_cart", fields: ["order_id"], filters: { cart_id: cartId } })
  return (data[0] as { order_id?: string } | undefined)?.order_id
}

/** The cart linked to a payment collection, and the order placed from it, if any. */
export async function cartAndOrder(container: Resolver, paymentCollectionId: string): Promise<{ cartId?: string; orderId?: string }> {
  const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "cart_payment_collection", fields: ["cart_id"], filters: { payment_collection_id: paymentCollectionId } })
  const cartId = (data[0] as { cart_id?: string } | undefined)?.cart_id
  if (!cartId) return {}
  return { cartId, orderId: await orderOfCart(container, cartId) }
}

/**
 * Has an order's money arrived? Asked before the plugin cancels an order-first order whose invoice
 * died: a captured payment on the order (Medusa), or a paid invoice of its cart in the ledger (the
 * ledger service's rule) — server-side facts only. Meum's own list is not asked here: the job
 * settles paid invoices first, before it reaches the due list, so a paid invoice is in the ledger by then.
 */
/** Why the order must not be cancelled, or undefined when no money of it is known. */
async function moneyArrivedFor(
  container: MedusaContainer,
  orderId: string,
  cartId: string | undefined,
  /** An invoice not to count (the underpaid one a merchant is refusing). */
  exceptInvoiceId?: string
): Promise<string | undefined> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "order",
    fields: [
      "id",
      "payment_collections.payments.id",
      "payment_collections.payments.captured_at",
      "payment_collections.payments.captures.id",
      "payment_collections.payment_sessions.id",
    ],
    filters: { id: orderId },
  })
  type PaymentRow = { id: string; captured_at?: Date | string | null; captures?: Array<{ id: string } | null> | null }
  const collections = (data[0] as { payment_collections?: Array<{ payments?: PaymentRow[] | null; payment_sessions?: Array<{ id: string } | null> | null } | null> } | undefined)
    ?.payment_collections ?? []
  const payments = collections.flatMap((collection) => collection?.payments ?? [])
  const captured = payments.find((payment) => payment?.captured_at || payment?.captures?.some(Boolean))
  if (captured) return `it holds captured payment ${captured.id}`

  const sessionIds = collections.flatMap((collection) => collection?.payment_sessions ?? []).flatMap((session) => (session?.id ? [session.id] : []))
  const paid = await (container.resolve(MEUM_LEDGER_MODULE) as MeumLedgerService).findPaidInvoiceOf({ orderId, cartId, sessionIds }, exceptInvoiceId)
  return paid ? `Meum invoice ${paid.invoice_id} of its cart is ${paid.state === "needs_attention" ? `paid (${paid.attention_reason})` : paid.state}` : undefined
}

/**
 * Which invoice this run is about, whose session and which account, and the lock key every writer
 * of that payment collection shares (the webhook route, the job and admin may look at one cart at once).
 */
export interface LocateInput {
  /** The session to reconcile; without one, the ledger row of invoice_id names it. */
  session_id?: string
  invoice_id?: string
  provider_id?: string
}

export interface LocatedInvoice {
  /** Set when there is nothing to reconcile; every later step passes it through. */
  skip?: string
  sessionId: string
  /** The session's own invoice (what it holds now), if the session exists. */
  sessionInvoiceId?: string
  /** The invoice to read: the one the caller named, else the session's. */
  invoiceId?: string
  /** The account to read it at: the session's for its own invoice, else the caller's. */
  providerId?: string
  collectionId?: string
  lockKey?: string
  /** A session Medusa recreated after a failed completion names its predecessor's invoice (it may be paid). */
  previousInvoiceId?: string
}

export const locateMeumInvoiceStep = createStep("locate-meum-invoice", async (input: LocateInput, { container }) => {
  const ledger = container.resolve(MEUM_LEDGER_MODULE) as MeumLedgerService
  const known = !input.session_id && input.invoice_id ? await ledger.findInvoiceRow(input.invoice_id) : undefined
  const sessionId = input.session_id ?? known?.payment_session_id ?? ""
  const [session] = (await container.resolve(Modules.PAYMENT).listPaymentSessions({ id: sessionId }, { select: ["id", "provider_id", "data", "payment_collection_id"] })) as Array<{
    provider_id: string
    data?: Record<string, unknown>
    payment_collection_id?: string
  }>
  const sessionInvoiceId = session ? readStoredSessionData(session.data)?.invoice_id : undefined
  const invoiceId = input.invoice_id ?? sessionInvoiceId
  const previous = session?.data?.meum_previous_invoice_id
  const previousInvoiceId = typeof previous === "string" && previous !== sessionInvoiceId && invoiceId === sessionInvoiceId ? previous : undefined
  const located: LocatedInvoice = { sessionId, sessionInvoiceId, invoiceId, previousInvoiceId }
  if (!invoiceId) return new StepResponse<LocatedInvoice>({ ...located, skip: session ? "the session has no invoice" : "no such payment session" })
  if (session && !isMeumProviderId(session.provider_id)) return new StepResponse<LocatedInvoice>({ ...located, skip: "not a Meum session" })
  const row = session?.payment_collection_id ? undefined : known ?? (await ledger.findInvoiceRow(invoiceId))
  const collectionId = session?.payment_collection_id ?? row?.payment_collection_id ?? undefined
  const providerId = invoiceId === sessionInvoiceId ? session!.provider_id : input.provider_id ?? session?.provider_id ?? row?.provider_id
  return new StepResponse<LocatedInvoice>({ ...located, collectionId, providerId, lockKey: `meum:reconcile:${collectionId ?? invoiceId}` })
})

/**
 * Reads the invoice once. The webhook route hands in the invoice it has just read from Meum to
 * check the event (its authoritative read): then nothing is read here. A paid read is remembered
 * for a few seconds so Medusa's authorize/capture calls to the provider, moments later in this
 * same run, do not read it again (src/lib/meum/client.ts, recent paid reads).
 */
export interface ReadInvoiceResult {
  invoice?: Invoice
  /** Meum does not know the invoice (404): the ledger closes it. */
  notFound?: boolean
}

export const readMeumInvoiceStep = createStep(
  "read-meum-invoice",
  async ({ located, invoice: handedIn, merchant }: { located: LocatedInvoice; invoice?: Invoice; merchant?: MerchantAction }, { container }) => {
    // Marking an invoice resolved is the merchant's word alone: Meum is not asked.
    if (located.skip || !located.invoiceId || merchant === "resolve") return new StepResponse<ReadInvoiceResult>({})
    const registration = meumRegistrationFor(container, located.providerId)
    if (!registration) {
      throw new MedusaError(MedusaError.Types.UNEXPECTED_STATE, `The Meum payment provider ${located.providerId ?? "(unknown)"} is not configured`)
    }
    const read = async (id: string): Promise<Invoice | undefined> => {
      try {
        return await registration.client.getInvoice(id)
      } catch (error) {
        if (error instanceof MeumApiError && error.isNotFound) return undefined
        throw error
      }
    }
    const invoice = handedIn?.id === located.invoiceId ? handedIn : await read(located.invoiceId)
    if (!invoice) return new StepResponse<ReadInvoiceResult>({ notFound: true })
    if (invoice.status === "unknown") logUnknownStatusOnce(container.resolve(ContainerRegistrationKeys.LOGGER), invoice, located.sessionId)
    let subject = invoice
    if (invoice.status !== "paid" && located.previousInvoiceId) {
      // The session's predecessor was paid but its completion failed: that invoice is the one to settle.
      const previous = await read(located.previousInvoiceId)
      if (previous && isPaidAsAsked(previous, askedFromMetadata(previous))) subject = previous
    }
    rememberPaidRead(registration.client, subject)
    return new StepResponse<ReadInvoiceResult>({ invoice: subject })
  }
)

/**
 * Everything the decision needs from Medusa and the ledger, read in one place before deciding:
 * the session and its payment, the cart and its order, the ledger row, and — only for an
 * order-first order whose invoice died — whether the order's money arrived another way.
 */
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
    const registration = meumRegistrationFor(container, located.providerId)
    const graceMs = (registration?.options.orderFirstGraceSeconds ?? 0) * 1000
    const lifetimeMs = registration ? registration.options.invoiceLifetimeMinutes * 60_000 : undefined
    const invoice = read.invoice
    if (located.skip || !invoice) {
      const row = invoiceId && !located.skip ? await ledger.findInvoiceRow(invoiceId) : undefined
      return new StepResponse<LoadedFacts>({ row, graceMs, lifetimeMs })
    }

    // The ledger row and the session do not depend on each other: read at once.
    const [row, [found]] = (await Promise.all([
      ledger.findInvoiceRow(invoice.id),
      container.resolve(Modules.PAYMENT).listPaymentSessions({ id: located.sessionId }, { relations: ["payment"] }),
    ])) as unknown as [LedgerInvoiceRow | undefined, SessionRow[]]
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
