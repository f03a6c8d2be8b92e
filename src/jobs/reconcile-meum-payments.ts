/**
 * The reconcile job: the safety net behind webhooks, driven by the ledger.
 *
 * Each run:
 * 0. asks Meum for paid/underpaid invoices (status filter, newest first) that the ledger has not
 *    settled — a lost webhook is recovered on the next run, at a cost of a few list pages;
 * 1. takes the ledger invoices that are due (`next_check_at <= now`, active states only), oldest
 *    due first, and reconciles each — every check moves its `next_check_at` forward (backoff for
 *    failures, growing intervals for invoices that stay open), so newer invoices never starve
 *    behind old ones and nothing is forgotten after a fixed age;
 * 2. discovers Meum payment sessions the ledger does not know yet (created while the ledger was
 *    unreachable, or before the plugin had one), newest first, and reconciles them — which records
 *    them; authorized sessions are included, so "paid and captured but no order" is found;
 * 3. cancels open invoices whose session was deleted while Meum could not be reached;
 * 4. prunes old webhook delivery records.
 *
 * Env: MEUM_RECONCILE_SCHEDULE (cron, default every minute), MEUM_RECONCILE_BATCH_SIZE (100 due
 * invoices and 100 discoveries per run), MEUM_RECONCILE_DISABLED=true to switch the schedule off
 * (the test suites do, and call runMeumReconcile themselves).
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { getMeumProvider } from "../lib/provider-registry"
import type { ReconcileOptions, ReconcileOutcome } from "../lib/reconcile/reconcile-meum-session"
import { reconcileMeumSessionWorkflow } from "../workflows/reconcile-meum-session"
import { cancelAbandonedInvoices, type AbandonedSweepOptions } from "../lib/reconcile/cancel-abandoned-invoices"
import { dueLedgerInvoices, paidInvoicesToSettle, sessionsMissingFromLedger, settleAbandonedInvoice } from "../lib/ledger/sweep"
import { pruneDeliveries } from "../lib/ledger/deliveries"

const positive = (value: string | undefined, fallback: number) => {
  const parsed = Number(value)
  return Number.isFinite(parsed) && parsed > 0 ? parsed : fallback
}

export interface ReconcileRunSummary {
  checked: number
  captured: number
  updated: number
  failed: number
  ordersCanceled: number
  /** Sessions the ledger did not know and now does. */
  discovered: number
  /** Open invoices of deleted sessions cancelled at Meum (a cart edit during a Meum outage). */
  abandonedCancelled: number
}

export interface ReconcileRunOptions extends ReconcileOptions {
  abandoned?: AbandonedSweepOptions
  batchSize?: number
}

export default async function reconcileMeumPayments(container: MedusaContainer): Promise<void> {
  if (process.env.MEUM_RECONCILE_DISABLED === "true") return
  await runMeumReconcile(container)
}

export async function runMeumReconcile(container: MedusaContainer, options: ReconcileRunOptions = {}): Promise<ReconcileRunSummary> {
  const summary: ReconcileRunSummary = { checked: 0, captured: 0, updated: 0, failed: 0, ordersCanceled: 0, discovered: 0, abandonedCancelled: 0 }
  const registered = getMeumProvider()
  if (!registered) return summary
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const batchSize = options.batchSize ?? positive(process.env.MEUM_RECONCILE_BATCH_SIZE, 100)
  const now = (options.now ?? Date.now)()

  const reconcile = async (sessionId: string, invoiceId?: string): Promise<ReconcileOutcome | undefined> => {
    summary.checked++
    try {
      const { result } = await reconcileMeumSessionWorkflow(container).run({
        input: { session_id: sessionId, invoice_id: invoiceId, now: options.now?.() },
      })
      if (result.outcome === "captured" && !result.duplicate) summary.captured++
      if (result.outcome === "updated" && !result.duplicate) summary.updated++
      if (result.outcome === "order_canceled") summary.ordersCanceled++
      return result
    } catch (error) {
      summary.failed++
      logger.warn(`Meum reconcile of ${sessionId}${invoiceId ? ` (invoice ${invoiceId})` : ""} failed, will retry after its backoff: ${(error as Error).message}`)
      return undefined
    }
  }

  // Paid at Meum but not settled here: a webhook was lost. Checked first, every run.
  const settledThisRun = new Set<string>()
  try {
    for (const paid of await paidInvoicesToSettle(container, registered.client, { now })) {
      settledThisRun.add(paid.invoiceId)
      await reconcile(paid.sessionId, paid.invoiceId)
    }
  } catch (error) {
    summary.failed++
    logger.warn(`Meum: listing paid invoices failed, will retry next run: ${(error as Error).message}`)
  }

  for (const due of await dueLedgerInvoices(container, now, batchSize)) {
    if (settledThisRun.has(due.invoice_id)) continue
    if (due.state === "abandoned" || !due.payment_session_id) {
      summary.checked++
      const cancelled = await settleAbandonedInvoice(container, registered.client, due).catch((error: Error) => {
        summary.failed++
        logger.warn(`Meum: cancelling abandoned invoice ${due.invoice_id} failed, will retry: ${error.message}`)
        return false
      })
      if (cancelled) summary.abandonedCancelled++
      continue
    }
    if (due.payment_session_id) await reconcile(due.payment_session_id, due.invoice_id)
  }

  for (const sessionId of await sessionsMissingFromLedger(container, batchSize)) {
    summary.discovered++
    await reconcile(sessionId)
  }

  try {
    summary.abandonedCancelled += (await cancelAbandonedInvoices(container, registered.client, options.abandoned)).cancelled.length
  } catch (error) {
    summary.failed++
    logger.warn(`Meum: the sweep of abandoned open invoices failed, will retry next run: ${(error as Error).message}`)
  }
  await pruneDeliveries(container).catch((error: Error) => logger.warn(`Meum: pruning webhook deliveries failed: ${error.message}`))

  if (summary.captured || summary.updated || summary.failed || summary.ordersCanceled || summary.abandonedCancelled) {
    logger.info(`Meum reconcile: ${JSON.stringify(summary)}`)
  }
  return summary
}

export const config = {
  name: "meum-reconcile-payments",
  schedule: process.env.MEUM_RECONCILE_SCHEDULE || "* * * * *",
}
