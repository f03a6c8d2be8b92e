/**
 * The reconcile workflow's steps around its decision, in the order the workflow runs them:
 *   before it — which invoice and session the run is about (locate), the invoice as Meum reports
 *   it (read, once), and the Medusa and ledger facts the decision needs (load);
 *   after it — the ONE ledger transition that records what the run did, and the run's outcome.
 * Also the cart ↔ payment collection ↔ order links every part of the plugin asks about.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ContainerRegistrationKeys, MedusaError, Modules } from "@medusajs/framework/utils"
import { rememberPaidRead } from "../../lib/meum/client"
import { MeumApiError } from "../../lib/meum/errors"
import { askedFromMetadata, cartIdOfInvoice, invoicePhase, isPaidAsAsked, type Invoice } from "../../lib/meum/invoice"
import { logUnknownStatusOnce } from "../../lib/meum/unknown-status-log"
import { isMeumProviderId, meumRegistrationFor, readStoredSessionData } from "../../lib/provider-registry"
import { MEUM_LEDGER_MODULE } from "../../modules/meum-ledger"
import type MeumLedgerService from "../../modules/meum-ledger/service"
import { factsOfInvoice, type LedgerInvoiceRow } from "../../modules/meum-ledger/service"
import { failureObservation, type Decision, type InvoiceFacts, type MedusaFacts, type MerchantAction, type Observation } from "../../modules/meum-ledger/decide"
import type { ReconcileOutcome } from "../reconcile-meum-session"
// An import cycle (adopt-paid-invoice imports the cart links below), harmless: neither module
// calls the other while it loads, only later, when its steps run.
import { retireDuplicatePaymentRecords, type AdoptedInvoice } from "./adopt-paid-invoice"

// ─── Cart ↔ payment collection ↔ order ───
/**
 * The links between a cart, its payment collection and the order placed from it, read through
 * Medusa's query (the link tables cart_payment_collection and order_cart). The one place the
 * workflow's steps (and the webhook route and the created-invoice middleware) ask these questions.
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

// ─── Before the decision: locate, read, load ───
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

// ─── After the decision: record ───
/**
 * Records what the run did as ONE ledger transition (through the ledger service's state machine)
 * and turns it into the run's outcome. A completion that did not produce an order is a failure the
 * ledger counts; the workflow reports it (`error`) and the caller answers 5xx / retries later.
 */
export interface RecordInput {
  located: LocatedInvoice
  invoice?: Invoice
  notFound?: boolean
  facts: LoadedFacts
  decision: Decision
  /** The session the capture branch worked on (the located one, or the one that adopted the invoice). */
  captureTarget?: { sessionId: string; cartId?: string; paymentCollectionId?: string }
  completion?: { error?: string }
  adopted?: AdoptedInvoice
  cancelled?: { error?: string }
  refreshed?: { sessionStatus?: string }
  cancelledAtMeum?: { invoice?: Invoice }
  underpayment?: { paidAmount: string; shortfall: string; currency: string }
  merchant?: { action: MerchantAction; by?: string; note?: string }
  now?: number
}

export interface RecordResult {
  outcome: ReconcileOutcome
  /** Set when the decided action failed in a way the caller must retry (5xx to Meum, the job's backoff). */
  error?: string
  /** Set when the merchant asked for something that does not apply (answered 400, nothing changed). */
  refused?: string
}

/**
 * Did the capture branch place the order? `cartId` is the cart of the session's payment collection
 * as the run already read it (a session never changes collection): only its order is read again,
 * at the same time as the session.
 */
async function placed(container: MedusaContainer, sessionId: string, cartId: string | undefined): Promise<{ captured: boolean; cartId?: string; orderId?: string }> {
  const [[session], orderId] = await Promise.all([
    container.resolve(Modules.PAYMENT).listPaymentSessions({ id: sessionId }, { relations: ["payment", "payment.captures"] }) as unknown as Promise<
      Array<{ payment?: { captured_at?: Date | string | null; captures?: unknown[] | null } | null }>
    >,
    cartId ? orderOfCart(container, cartId) : Promise.resolve(undefined),
  ])
  if (!session) return { captured: false }
  // An accepted underpayment captures only what was received: a capture, not a fully captured payment.
  const captured = Boolean(session.payment?.captured_at) || Boolean(session.payment?.captures?.length)
  return { captured, ...(cartId ? { cartId, orderId } : {}) }
}

export const recordReconciliationStep = createStep("record-meum-reconciliation", async (input: RecordInput, { container: scope }) => {
  const container = scope as unknown as MedusaContainer
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const ledger = container.resolve(MEUM_LEDGER_MODULE) as MeumLedgerService
  const { decision, located, invoice, facts } = input
  const action = decision.action
  const done = (outcome: ReconcileOutcome, error?: string) => new StepResponse<RecordResult>({ outcome, ...(error ? { error } : {}) })
  if (action.kind === "hold") return done({ outcome: "skipped", reason: action.reason })
  if (action.kind === "refuse") return new StepResponse<RecordResult>({ outcome: { outcome: "skipped", reason: action.reason }, refused: action.reason })
  const now = input.now ?? Date.now()
  const merchantDecision = (decision: string) => ({ decision, by: input.merchant?.by ?? null, at: new Date(now), note: input.merchant?.note ?? null })
  if (input.merchant?.action === "resolve") {
    if (action.kind === "nothing") return done({ outcome: "decided", decision: "resolved", already: true })
    const row = facts.row!
    await ledger.recordObservation({ invoiceId: row.invoice_id, providerId: row.provider_id, decision: merchantDecision("resolved") }, decision.observation!, now)
    return done({ outcome: "decided", decision: "resolved" })
  }

  if (!invoice) {
    // Meum does not know it (404): a known row is closed, nothing else is learned.
    if (facts.row && located.invoiceId) await ledger.recordObservation({ invoiceId: located.invoiceId, providerId: facts.row.provider_id }, { kind: "dead" }, input.now)
    return done({ outcome: "skipped", reason: `invoice ${located.invoiceId} is unknown to Meum` })
  }

  let observation: Observation = decision.observation!
  let outcome: ReconcileOutcome
  let error: string | undefined
  let orderId = facts.medusa?.order?.id
  let invoiceAfter: Invoice = invoice
  const status = invoice.status

  switch (action.kind) {
    case "capture_and_complete":
    case "accept_underpaid":
    case "adopt": {
      if (action.kind === "adopt" && !input.adopted?.sessionId) {
        observation = { kind: "paid_without_order" }
        outcome = { outcome: "skipped", reason: `orphaned paid invoice: ${input.adopted?.reason ?? "not adopted"}` }
        break
      }
      const target = input.captureTarget!
      const after = await placed(container, target.sessionId, target.cartId)
      orderId = after.orderId
      if (!after.captured || (after.cartId && !after.orderId)) {
        error = !after.captured
          ? `Meum session ${target.sessionId}: the payment was not captured`
          : `Meum session ${target.sessionId}: paid, but the order was not created yet${input.completion?.error ? ` (${input.completion.error})` : ""}`
        observation = failureObservation(action, error)
        outcome = { outcome: "skipped", reason: error }
        break
      }
      if (action.kind === "adopt" && input.adopted?.paymentCollectionId) {
        const retired = await retireDuplicatePaymentRecords(container, input.adopted.paymentCollectionId, invoice.id, target.sessionId)
        if (retired.length) logger.warn(`Meum invoice ${invoice.id}: cancelled the duplicate payment record(s) ${retired.join(", ")} of the replaced session`)
      }
      outcome =
        action.kind === "accept_underpaid"
          ? { outcome: "decided", decision: "accepted", orderId, ...input.underpayment }
          : { outcome: "captured", duplicate: false, orderId }
      break
    }
    case "reject_underpaid":
      if (input.cancelled?.error) {
        error = `the order ${action.cancelOrderId} could not be cancelled: ${input.cancelled.error}`
        outcome = { outcome: "skipped", reason: error }
        break
      }
      outcome = {
        outcome: "decided",
        decision: "rejected",
        orderId,
        ...input.underpayment,
        ...(orderId && !action.cancelOrderId && facts.medusa?.moneyArrivedElsewhere ? { orderKeptBecause: facts.medusa.moneyArrivedElsewhere } : {}),
      }
      break
    case "cancel_order":
      if (input.cancelled?.error) {
        observation = failureObservation(action, input.cancelled.error)
        outcome = { outcome: "order_cancel_failed", invoiceStatus: status, orderId: action.orderId, error: input.cancelled.error }
      } else {
        outcome = { outcome: "order_canceled", invoiceStatus: status, orderId: action.orderId }
      }
      break
    case "cancel_at_meum": {
      const after = input.cancelledAtMeum?.invoice
      // Whatever Meum says now decides: cancelled → closed, paid or underpaid → the merchant, still open → try again later.
      observation = !after ? { kind: "dead" } : orphanedObservation(after.status)
      // Order-first, past the invoice's lifetime: its order waits out the grace period.
      if (decision.observation?.kind === "grace" && (!after || invoicePhase(after.status) === "dead")) observation = decision.observation
      outcome = { outcome: "abandoned_settled", cancelled: after?.status === "cancelled", ...(after ? { invoiceStatus: after.status } : {}) }
      if (after) invoiceAfter = after
      break
    }
    case "refresh_session":
    case "nothing":
    case "resolve": // recorded above
      outcome = outcomeOf(decision, status, input, orderId)
      break
  }

  // A merchant's decision is recorded with the transition only once it was carried out.
  const decided = !error && outcome.outcome === "decided" ? { decision: merchantDecision(outcome.decision) } : {}
  if (error && (action.kind === "accept_underpaid" || action.kind === "reject_underpaid")) {
    // Half done: left undecided, the next click resumes (each step finds what it already did).
    return done(outcome, error)
  }
  // The decision's own transition when the action did what it planned; else the machine's for what happened.
  const planned = observation === decision.observation ? decision.next : undefined
  const recorded = await ledger.recordObservation({ ...factsOfInvoice(invoiceAfter, located.providerId ?? facts.row?.provider_id ?? ""), ...(orderId ? { orderId } : {}), ...decided }, observation, now, planned)
  if (!recorded.allowed) logger.warn(`Meum ledger: invoice ${invoice.id} stays ${recorded.previous} (${observation.kind} would make it ${recorded.transition.state})`)
  if (recorded.changed && recorded.row.attention_reason === "completion_failing") {
    logger.error(`Meum invoice ${invoice.id} is PAID but its order could not be placed after ${recorded.row.attempts} attempts (${error}): it needs the merchant (admin → Meum)`)
  } else if (outcome.outcome === "order_cancel_failed") {
    if (recorded.row.state === "needs_attention") {
      logger.error(`Meum invoice ${invoice.id} is ${status}, but its order ${outcome.orderId} could not be cancelled after ${recorded.row.attempts} attempts (${outcome.error}): it needs the merchant (admin → Meum)`)
    } else {
      logger.warn(`Meum: cancelling order ${outcome.orderId} of ${status} invoice ${invoice.id} failed (attempt ${recorded.row.attempts}), will retry: ${outcome.error}`)
    }
  } else if (outcome.outcome === "order_kept") {
    logger.error(`Meum invoice ${invoice.id} is ${status}, but not cancelling order ${outcome.orderId}: ${outcome.reason}. It needs the merchant (admin → Meum)`)
  }
  return done(outcome, error)
})

/** What an invoice its session no longer holds tells the ledger, by its phase. */
function orphanedObservation(status: Invoice["status"]): Observation {
  switch (invoicePhase(status)) {
    case "open":
      return { kind: "abandoned" }
    case "paid":
      return { kind: "paid_without_order" }
    case "unknown":
      return { kind: "unknown_status" }
    case "underpaid":
      return { kind: "underpaid" }
    default:
      return { kind: "dead" }
  }
}

function outcomeOf(decision: Decision, status: Invoice["status"], input: RecordInput, orderId: string | undefined): ReconcileOutcome {
  const observation = decision.observation!
  const duplicate = decision.action.kind === "nothing" && decision.action.duplicate
  if (!input.facts.medusa?.heldBySession) {
    return { outcome: "skipped", reason: `invoice ${input.invoice!.id} is not the session's invoice and is not paid` }
  }
  switch (observation.kind) {
    case "open":
      return { outcome: "open", invoiceStatus: status }
    case "unknown_status":
      return { outcome: "unknown_status", reportedStatus: input.invoice!.reported_status ?? null }
    case "grace":
      return { outcome: "awaiting_grace", invoiceStatus: status, orderId: orderId!, remainingMs: observation.remainingMs }
    case "captured":
      return status === "paid" ? { outcome: "captured", duplicate: true, orderId } : { outcome: "updated", duplicate, invoiceStatus: status, sessionStatus: input.refreshed?.sessionStatus ?? input.facts.medusa.sessionStatus ?? "" }
    case "amount_mismatch":
      return { outcome: "mismatch", invoiceStatus: status }
    case "order_paid_not_cancelled":
      return { outcome: "order_kept", invoiceStatus: status, orderId: orderId!, reason: input.facts.medusa.moneyArrivedElsewhere ?? "its money arrived" }
    case "paid_without_order":
      return { outcome: "skipped", reason: `invoice ${input.invoice!.id} is paid but its order ${orderId ?? ""} was cancelled` }
    default: {
      if (decision.action.kind === "refresh_session") return { outcome: "updated", duplicate: false, invoiceStatus: status, sessionStatus: input.refreshed?.sessionStatus ?? decision.action.sessionStatus }
      if (input.facts.medusa.order?.status === "canceled" && input.facts.medusa.mode === "order_first") return { outcome: "order_canceled", invoiceStatus: status, orderId: orderId! }
      return { outcome: "updated", duplicate, invoiceStatus: status, sessionStatus: input.facts.medusa.sessionStatus ?? "" }
    }
  }
}
