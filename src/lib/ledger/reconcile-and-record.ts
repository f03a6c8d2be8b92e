/**
 * The one reconcile path with its ledger: reads what the ledger knows, runs the reconcile of the
 * session (src/lib/reconcile/reconcile-meum-session.ts), and records what it observed through the
 * state machine. Used by the workflow that the webhook route, the job and admin actions run.
 *
 * An invoice the ledger has handed to the merchant (decided, or a completion that kept failing)
 * is not acted on again by webhooks or the job — a completion that always fails no longer loops, creating
 * invoices and duplicate Payments — only an explicit admin re-check (`force`) tries again.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { isOpenInvoiceStatus, type Invoice } from "../meum/schemas"
import { MeumApiError } from "../meum/errors"
import { MEUM_PROVIDER_ID } from "../provider-registry"
import { reconcileMeumSession, type ReconcileOptions, type ReconcileOutcome } from "../reconcile/reconcile-meum-session"
import type { Observation } from "../../modules/meum-ledger/state-machine"
import { factsOfInvoice, findLedgerInvoice, recordObservation } from "./ledger"

export interface ReconcileAndRecordOptions extends Omit<ReconcileOptions, "onInvoice" | "holdBack"> {
  /** Admin "Re-check now": act even on an invoice handed to the merchant. */
  force?: boolean
}

/**
 * Not acted on again without the merchant: a decided invoice, and a completion that kept failing
 * (each try may make Medusa replace the session, i.e. a new invoice and a duplicate Payment).
 * Other attention reasons (underpaid, mismatch, unknown status) are safe to look at again.
 */
const handedToMerchant = (row: { state: string; attention_reason: string | null }) =>
  row.state === "resolved" ||
  (row.state === "needs_attention" && (row.attention_reason === "completion_failing" || row.attention_reason === "order_cancel_failing"))

export function observationOf(outcome: ReconcileOutcome): Observation | undefined {
  switch (outcome.outcome) {
    case "open":
      return { kind: "open" }
    case "awaiting_grace":
      return { kind: "grace", remainingMs: outcome.remainingMs }
    case "captured":
      return { kind: "captured", orderPlaced: true }
    case "mismatch":
      return { kind: "amount_mismatch" }
    case "order_canceled":
      return { kind: "dead" }
    case "order_kept":
      return { kind: "order_paid_not_cancelled" }
    case "order_cancel_failed":
      return { kind: "order_cancel_failed", error: outcome.error }
    case "unknown_status":
      return { kind: "unknown_status" }
    case "updated":
      if (outcome.invoiceStatus === "underpaid") return outcome.sessionStatus === "authorized" ? { kind: "captured", orderPlaced: true } : { kind: "underpaid" }
      if (outcome.invoiceStatus === "refunded") return { kind: "refunded", wasCaptured: false }
      return { kind: "dead" }
    case "skipped":
      return undefined
  }
}

/**
 * A run that skipped an invoice its session no longer holds (the session was deleted or replaced)
 * still tells the ledger where that invoice stands, so the job never picks it up for nothing again.
 */
export function observationOfSkipped(invoice: Invoice): Observation {
  if (isOpenInvoiceStatus(invoice.status)) return { kind: "abandoned" }
  if (invoice.status === "paid") return { kind: "paid_without_order" }
  if (invoice.status === "unknown") return { kind: "unknown_status" }
  if (invoice.status === "underpaid") return { kind: "underpaid" }
  return { kind: "dead" }
}

async function sessionFacts(container: MedusaContainer, sessionId: string): Promise<{ invoiceId?: string; collectionId?: string }> {
  const [session] = (await container.resolve(Modules.PAYMENT).listPaymentSessions({ id: sessionId }, { select: ["id", "data", "payment_collection_id"] })) as Array<{
    data?: Record<string, unknown>
    payment_collection_id?: string
  }>
  const invoiceId = session?.data?.invoice_id
  return { invoiceId: typeof invoiceId === "string" ? invoiceId : undefined, collectionId: session?.payment_collection_id }
}

/** Runs `work` under the per-collection lock every ledger writer of that collection shares. */
export async function withCollectionLock<T>(container: MedusaContainer, collectionId: string | null | undefined, fallback: string, work: () => Promise<T>): Promise<T> {
  return container.resolve(Modules.LOCKING).execute(`meum:reconcile:${collectionId ?? fallback}`, work, { timeout: 60 })
}

/**
 * One reconcile per payment collection at a time, across processes (Medusa's locking module):
 * the webhook route, the job and admin may look at the same cart at once, and each run may
 * process a payment — the ledger's counts and decisions must see them one after the other.
 */
export async function reconcileAndRecord(
  container: MedusaContainer,
  sessionId: string,
  options: ReconcileAndRecordOptions = {}
): Promise<ReconcileOutcome> {
  const ofSession = await sessionFacts(container, sessionId)
  const known = options.invoiceId ? await findLedgerInvoice(container, options.invoiceId) : undefined
  const collectionId = ofSession.collectionId ?? (known as { payment_collection_id?: string | null } | undefined)?.payment_collection_id
  return withCollectionLock(container, collectionId, options.invoiceId ?? sessionId, () => reconcileAndRecordLocked(container, sessionId, options, ofSession.invoiceId))
}

async function reconcileAndRecordLocked(
  container: MedusaContainer,
  sessionId: string,
  options: ReconcileAndRecordOptions,
  sessionInvoiceId: string | undefined
): Promise<ReconcileOutcome> {
  const subjectInvoiceId = options.invoiceId ?? sessionInvoiceId
  if (subjectInvoiceId && !options.force) {
    const known = await findLedgerInvoice(container, subjectInvoiceId)
    if (known && handedToMerchant(known)) {
      return { outcome: "skipped", reason: `invoice ${subjectInvoiceId} is ${known.state} (${known.attention_reason ?? "decided"}): the merchant handles it` }
    }
  }
  let subject: { invoice: Invoice; providerId: string } | undefined
  const onInvoice = (invoice: Invoice, providerId?: string) => {
    subject = { invoice, providerId: providerId ?? subject?.providerId ?? options.providerId ?? MEUM_PROVIDER_ID }
  }
  let outcome: ReconcileOutcome
  // Held back by the ledger: nothing was observed, nothing is recorded.
  let heldBack = false
  try {
    const holdBack = async (invoiceId: string) => {
      if (options.force) return undefined
      const row = await findLedgerInvoice(container, invoiceId)
      if (!row || !handedToMerchant(row)) return undefined
      heldBack = true
      return `invoice ${invoiceId} is ${row.state} (${row.attention_reason ?? row.decision}): the merchant handles it`
    }
    outcome = await reconcileMeumSession(container, sessionId, { ...options, onInvoice, holdBack })
  } catch (error) {
    if (!subject && subjectInvoiceId) await recordWithoutInvoice(container, subjectInvoiceId, error).catch(() => undefined)
    if (subject) {
      const message = (error as Error).message ?? String(error)
      const observation: Observation = subject.invoice.status === "paid" ? { kind: "completion_failed", error: message } : { kind: "check_failed", error: message }
      const recorded = await recordObservation(container, factsOfInvoice(subject.invoice, subject.providerId), observation).catch(() => undefined)
      if (recorded?.changed && recorded.row.state === "needs_attention") {
        container
          .resolve(ContainerRegistrationKeys.LOGGER)
          .error(`Meum invoice ${subject.invoice.id} is PAID but its order could not be placed after ${recorded.row.attempts} attempts (${message}): it needs the merchant (admin → Meum)`)
      }
    }
    throw error
  }
  if (heldBack) return outcome
  if (!subject && subjectInvoiceId && outcome.outcome === "skipped") {
    await recordWithoutInvoice(container, subjectInvoiceId, new Error(outcome.reason))
    return outcome
  }
  const observation = observationOf(outcome) ?? (subject && outcome.outcome === "skipped" ? observationOfSkipped(subject.invoice) : undefined)
  if (observation?.kind === "refunded") {
    // Refunded after the order was placed is money that moved after the fact: the merchant must know.
    const known = await findLedgerInvoice(container, subject!.invoice.id)
    observation.wasCaptured = known?.state === "completed" || (outcome.outcome === "updated" && outcome.sessionStatus === "authorized")
  }
  if (subject && observation) {
    const orderId = "orderId" in outcome ? outcome.orderId : undefined
    const recorded = await recordObservation(container, { ...factsOfInvoice(subject.invoice, subject.providerId), ...(orderId ? { orderId } : {}) }, observation)
    if (outcome.outcome === "order_cancel_failed") {
      const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
      if (recorded.row.state === "needs_attention") {
        logger.error(`Meum invoice ${subject.invoice.id} is ${subject.invoice.status}, but its order ${outcome.orderId} could not be cancelled after ${recorded.row.attempts} attempts (${outcome.error}): it needs the merchant (admin → Meum)`)
      } else {
        logger.warn(`Meum: cancelling order ${outcome.orderId} of ${subject.invoice.status} invoice ${subject.invoice.id} failed (attempt ${recorded.row.attempts}), will retry: ${outcome.error}`)
      }
    }
  }
  return outcome
}

/**
 * A run that failed or skipped before reading the invoice (a 404, an unparsable answer, a session
 * gone): the ledger row, if any, still moves on — a 404 closes it, anything else backs off — so it
 * never sits at the head of every job run.
 */
async function recordWithoutInvoice(container: MedusaContainer, invoiceId: string, error: unknown): Promise<void> {
  const row = (await findLedgerInvoice(container, invoiceId)) as (Awaited<ReturnType<typeof findLedgerInvoice>> & { provider_id?: string }) | undefined
  if (!row) return
  const notFound = error instanceof MeumApiError && error.isNotFound
  const observation: Observation = notFound ? { kind: "dead" } : { kind: "check_failed", error: (error as Error)?.message ?? String(error) }
  await recordObservation(container, { invoiceId, providerId: row.provider_id ?? MEUM_PROVIDER_ID }, observation)
}
