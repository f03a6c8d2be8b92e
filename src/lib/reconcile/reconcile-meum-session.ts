/**
 * Brings one Meum payment session in line with its invoice. The single place that acts on an
 * invoice's state, used by the plugin's webhook route and the reconcile job.
 *
 * - paid (as asked)  → Medusa's processPaymentWorkflow: authorize → captured → Payment + Capture,
 *                      cart completed into an order (it holds the cart lock, so a concurrent shopper
 *                      return or duplicate delivery serialises behind it and finds the order).
 * - underpaid, expired, cancelled, failed, refunded → the session status is refreshed through
 *                      Medusa's authorizePaymentSession, which asks the provider (the status table)
 *                      and stores the answer — Medusa's core webhook path ignores these actions.
 * - open             → nothing to do.
 * - order-first, dead past its grace → the order is cancelled, unless its money arrived another way
 *                      (then kept and raised for the merchant); a refused cancellation is an outcome
 *                      the ledger counts, not a throw (src/lib/ledger/reconcile-and-record.ts).
 * Throws on transient failures (Meum or the database): callers answer 5xx or retry next run.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MedusaError, Modules } from "@medusajs/framework/utils"
import { cancelOrderWorkflow, processPaymentWorkflow } from "@medusajs/core-flows"
import { isOpenInvoiceStatus, type Invoice, type ReadInvoiceStatus as InvoiceStatus } from "../meum/schemas"
import { sessionStatusForInvoice } from "../meum/status-table"
import { isMeumProviderId, meumRegistrationFor, type MeumRegistration } from "../provider-registry"
import { readStoredSessionData } from "../session-data"
import { askedFromMetadata, isPaidAsAsked, metadataSessionId } from "../meum/invoice-checks"
import { MeumApiError } from "../meum/errors"
import { adoptOrphanedPaidInvoice, retireDuplicatePaymentRecords } from "./adopt-orphaned-invoice"
import { cartAndOrder } from "./cart-and-order"
import { moneyArrivedFor } from "../ledger/money-arrived"
import { logUnknownStatusOnce } from "../meum/unknown-status-log"

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

export interface ReconcileOptions {
  /** Clock for the order-first grace period (tests move it forward instead of sleeping). */
  now?: () => number
  /**
   * The invoice a webhook was about. When it is not (or no longer) the session's invoice and it is
   * paid, the cart's current session may adopt it (see adopt-orphaned-invoice.ts).
   */
  invoiceId?: string
  /** Told about every invoice this run acts on (the last one is the run's subject), with its session's provider. */
  onInvoice?: (invoice: Invoice, providerId?: string) => void
  /**
   * Asked before a paid invoice is processed or adopted: a reason not to (the ledger handed it to
   * the merchant), or undefined to go on.
   */
  holdBack?: (invoiceId: string) => Promise<string | undefined>
  /**
   * The Meum registration (pp_meum_<id>) the caller knows the invoice by (the account a webhook
   * came from, the ledger row): it reads an invoice the session no longer holds. The session's
   * own invoice is read through the session's provider_id.
   */
  providerId?: string
}

/** Terminal, unpaid: an order-first order waiting on this invoice will never be paid. */
const DEAD_INVOICE: readonly InvoiceStatus[] = ["expired", "cancelled", "failed"]

interface SessionRow {
  id: string
  status: string
  provider_id: string
  amount: unknown
  data: Record<string, unknown>
  payment_collection_id: string
  payment?: { id: string; captured_at?: Date | string | null } | null
}

async function loadSession(container: MedusaContainer, sessionId: string): Promise<SessionRow | undefined> {
  const payment = container.resolve(Modules.PAYMENT)
  const [session] = await payment.listPaymentSessions({ id: sessionId }, { relations: ["payment"] })
  return session as unknown as SessionRow | undefined
}

export async function reconcileMeumSession(
  container: MedusaContainer,
  sessionId: string,
  reconcileOptions: ReconcileOptions = {}
): Promise<ReconcileOutcome> {
  const session = await loadSession(container, sessionId)
  const sessionInvoiceId = session ? readStoredSessionData(session.data)?.invoice_id : undefined
  if (reconcileOptions.invoiceId && reconcileOptions.invoiceId !== sessionInvoiceId) {
    // The invoice lives at the account the caller knows it from; else the session's.
    const owner = requireRegistration(container, reconcileOptions.providerId ?? session?.provider_id)
    const webhookInvoice = await owner.client.getInvoice(reconcileOptions.invoiceId)
    reconcileOptions.onInvoice?.(webhookInvoice, owner.providerId)
    const held = await reconcileOptions.holdBack?.(webhookInvoice.id)
    if (held) return { outcome: "skipped", reason: held }
    return reconcileOrphanedInvoice(container, owner, webhookInvoice, sessionId, reconcileOptions)
  }
  if (!session) return { outcome: "skipped", reason: "no such payment session" }
  if (!isMeumProviderId(session.provider_id)) return { outcome: "skipped", reason: "not a Meum session" }
  const stored = readStoredSessionData(session.data)
  if (!stored) return { outcome: "skipped", reason: "the session has no invoice" }
  // The session's invoice is at the account of the session's own registration.
  const registered = requireRegistration(container, session.provider_id)

  const invoice = await registered.client.getInvoice(stored.invoice_id)
  reconcileOptions.onInvoice?.(invoice, session.provider_id)
  const mode = registered.options.orderFirst ? "order_first" : "pay_first"
  if (invoice.status === "unknown") {
    // Forward compatibility: a status Meum's docs do not list changes nothing here.
    logUnknownStatusOnce(container.resolve(ContainerRegistrationKeys.LOGGER), invoice, session.id)
    return { outcome: "unknown_status", reportedStatus: invoice.reported_status }
  }

  // A session Medusa recreated after a failed completion: its predecessor's invoice may be paid.
  const previousInvoiceId = session.data.meum_previous_invoice_id
  if (invoice.status !== "paid" && typeof previousInvoiceId === "string" && previousInvoiceId !== invoice.id) {
    const previous = await registered.client.getInvoice(previousInvoiceId).catch((error: unknown) => {
      if (error instanceof MeumApiError && error.isNotFound) return undefined
      throw error
    })
    const held = previous ? await reconcileOptions.holdBack?.(previous.id) : undefined
    if (previous && !held && isPaidAsAsked(previous, askedFromMetadata(previous))) {
      return reconcileOrphanedInvoice(container, registered, previous, metadataSessionId(previous) ?? session.id, reconcileOptions)
    }
  }

  if (invoice.status === "paid") {
    if (!isPaidAsAsked(invoice, { amount: stored.amount, currency: stored.currency })) {
      // Never captured silently: authorize stores `error` + the flag for the merchant.
      await refreshSessionStatus(container, session.id)
      return { outcome: "mismatch", invoiceStatus: invoice.status }
    }
    const capturedBefore = Boolean(session.payment?.captured_at)
    const before = await cartAndOrder(container, session.payment_collection_id)
    if (capturedBefore && (before.orderId || !before.cartId)) {
      return { outcome: "captured", duplicate: true, orderId: before.orderId }
    }

    const held = await reconcileOptions.holdBack?.(invoice.id)
    if (held) return { outcome: "skipped", reason: held }
    await processPaymentWorkflow(container).run({
      input: { action: "captured", data: { session_id: session.id, amount: session.amount as number } },
    })
    const after = await loadSession(container, session.id)
    const { cartId, orderId } = await cartAndOrder(container, session.payment_collection_id)
    if (!after?.payment?.captured_at) {
      throw new MedusaError(MedusaError.Types.UNEXPECTED_STATE, `Meum session ${session.id}: the payment was not captured`)
    }
    // processPaymentWorkflow completes the cart with continueOnPermanentFailure: a failed
    // completion does not fail the workflow, so check the order really exists.
    if (cartId && !orderId) {
      throw new MedusaError(MedusaError.Types.UNEXPECTED_STATE, `Meum session ${session.id}: paid, but the order was not created yet`)
    }
    return { outcome: "captured", duplicate: false, orderId }
  }

  if (isOpenInvoiceStatus(invoice.status)) return { outcome: "open", invoiceStatus: invoice.status }

  if (mode === "order_first" && DEAD_INVOICE.includes(invoice.status)) {
    const { cartId, orderId } = await cartAndOrder(container, session.payment_collection_id)
    if (orderId) {
      const deadSince = Date.parse(invoice.updated_at ?? invoice.expires_at ?? "") || 0
      const now = (reconcileOptions.now ?? Date.now)()
      if (now - deadSince < registered.options.orderFirstGraceSeconds * 1000) {
        // Keep the session awaiting so the job comes back after the grace period.
        return { outcome: "awaiting_grace", invoiceStatus: invoice.status, orderId, remainingMs: deadSince + registered.options.orderFirstGraceSeconds * 1000 - now }
      }
      await refreshSessionStatus(container, session.id)
      if (await isOrderCanceled(container, orderId)) return { outcome: "order_canceled", invoiceStatus: invoice.status, orderId }
      // An order whose money arrived is never cancelled by the plugin (another invoice of its
      // cart was paid, e.g. a second session was opened on a completed cart).
      const moneyArrived = await moneyArrivedFor(container, orderId, cartId)
      if (moneyArrived) {
        container
          .resolve(ContainerRegistrationKeys.LOGGER)
          .error(`Meum invoice ${invoice.id} is ${invoice.status}, but not cancelling order ${orderId}: ${moneyArrived}. It needs the merchant (admin → Meum)`)
        return { outcome: "order_kept", invoiceStatus: invoice.status, orderId, reason: moneyArrived }
      }
      try {
        // Medusa's cancel-order workflow releases the inventory reservations.
        await cancelOrderWorkflow(container).run({ input: { order_id: orderId } })
      } catch (error) {
        // The ledger counts these and hands the order to the merchant after N attempts.
        return { outcome: "order_cancel_failed", invoiceStatus: invoice.status, orderId, error: (error as Error)?.message ?? String(error) }
      }
      return { outcome: "order_canceled", invoiceStatus: invoice.status, orderId }
    }
  }

  const target = sessionStatusForInvoice(invoice.status, mode)
  if (session.status === target) {
    return { outcome: "updated", duplicate: true, invoiceStatus: invoice.status, sessionStatus: target }
  }
  await refreshSessionStatus(container, session.id)
  const after = await loadSession(container, session.id)
  return { outcome: "updated", duplicate: false, invoiceStatus: invoice.status, sessionStatus: after?.status ?? target }
}

/** An invoice (just fetched) that its session no longer holds: adopt it if it is paid, else ignore it. */
async function reconcileOrphanedInvoice(
  container: MedusaContainer,
  registered: MeumRegistration,
  invoice: Invoice,
  sessionId: string,
  reconcileOptions: ReconcileOptions
): Promise<ReconcileOutcome> {
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const invoiceId = invoice.id
  if (!isPaidAsAsked(invoice, askedFromMetadata(invoice))) {
    return { outcome: "skipped", reason: `invoice ${invoiceId} is not the session's invoice and is not paid` }
  }
  const adoption = await adoptOrphanedPaidInvoice(container, registered, invoice, sessionId)
  if (!adoption.adopted) {
    logger.error(
      `Meum invoice ${invoiceId} is PAID but its payment session ${sessionId} no longer holds it and it cannot be attached to its cart (${adoption.reason}): place or refund the order by hand`
    )
    return { outcome: "skipped", reason: `orphaned paid invoice: ${adoption.reason}` }
  }
  if (adoption.replacedInvoiceId) {
    logger.warn(
      `Meum invoice ${invoiceId} is paid but Medusa had replaced its payment session ${sessionId}: session ${adoption.sessionId} adopted it (its own invoice ${adoption.replacedInvoiceId} was cancelled)`
    )
  }
  const outcome = await reconcileMeumSession(container, adoption.sessionId, { ...reconcileOptions, invoiceId: undefined })
  if (outcome.outcome === "captured") {
    const retired = await retireDuplicatePaymentRecords(container, adoption.paymentCollectionId, invoiceId, adoption.sessionId)
    if (retired.length) logger.warn(`Meum invoice ${invoiceId}: cancelled the duplicate payment record(s) ${retired.join(", ")} of the replaced session`)
  }
  return outcome
}

/** The registration of a provider id (a session's, a webhook's account), or an error naming it. */
function requireRegistration(container: MedusaContainer, providerId: string | undefined): MeumRegistration {
  const registration = meumRegistrationFor(container, providerId)
  if (!registration) {
    throw new MedusaError(MedusaError.Types.UNEXPECTED_STATE, `The Meum payment provider ${providerId ?? "(unknown)"} is not configured`)
  }
  return registration
}

async function isOrderCanceled(container: MedusaContainer, orderId: string): Promise<boolean> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "order", fields: ["id", "status"], filters: { id: orderId } })
  return (data[0] as { status?: string } | undefined)?.status === "canceled"
}

/**
 * Medusa's authorizePaymentSession asks the provider for the live status and stores it on the
 * session; for anything but authorized/captured it then throws NOT_ALLOWED — expected here.
 */
async function refreshSessionStatus(container: MedusaContainer, sessionId: string): Promise<void> {
  const payment = container.resolve(Modules.PAYMENT)
  try {
    await payment.authorizePaymentSession(sessionId, {})
  } catch (error) {
    if (!(error instanceof MedusaError && error.type === MedusaError.Types.NOT_ALLOWED)) throw error
  }
}
