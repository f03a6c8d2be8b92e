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
 * 4. reads once, and stores, the on-chain transactions of settled invoices (_store-invoice-transactions.ts);
 * 5. prunes old webhook delivery records.
 *
 * With several Meum registrations (several accounts), steps 0 and 3 sweep each account once per
 * run (registrations sharing an API key and base URL are one account); every session and ledger
 * invoice is reconciled through its own registration (session provider_id, ledger provider_id).
 *
 * Env: MEUM_RECONCILE_SCHEDULE (cron, default every minute), MEUM_RECONCILE_BATCH_SIZE (100 due
 * invoices and 100 discoveries per run), MEUM_RECONCILE_PAID_PAGES (pages of 100 paid/underpaid
 * invoices read per status and run, default 20), MEUM_RECONCILE_CONCURRENCY (paid invoices settled
 * at once, default 4), MEUM_RECONCILE_DISABLED=true to switch the schedule off
 * (the test suites do, and call runMeumReconcile themselves).
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { meumRegistrations, type MeumRegistration } from "../lib/provider-registry"
import { runReconcileMeumSession, type ReconcileOutcome } from "../workflows/reconcile-meum-session"
import { runWithConcurrency } from "../lib/run-with-concurrency"
import { MEUM_LEDGER_MODULE } from "../modules/meum-ledger"
import type MeumLedgerService from "../modules/meum-ledger/service"
import { cancelAbandonedInvoices, type AbandonedSweepOptions } from "./_cancel-abandoned-invoices"
import { paidInvoicesToSettle } from "./_paid-invoices-to-settle"
import { sessionsMissingFromLedger } from "./_sessions-missing-from-ledger"
import { storeInvoiceTransactions } from "./_store-invoice-transactions"

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
  /** Settled invoices whose transactions were read from Meum and stored. */
  transactionsStored: number
  /** Transactions reads that failed (retried next run); not in `failed`, which counts settling work. */
  transactionsFailed: number
}

export interface ReconcileRunOptions {
  /** Clock for the order-first grace period and the due checks (tests move it forward instead of sleeping). */
  now?: () => number
  abandoned?: AbandonedSweepOptions
  batchSize?: number
}

export default async function reconcileMeumPayments(container: MedusaContainer): Promise<void> {
  if (process.env.MEUM_RECONCILE_DISABLED === "true") return
  await runMeumReconcile(container)
}

export async function runMeumReconcile(container: MedusaContainer, options: ReconcileRunOptions = {}): Promise<ReconcileRunSummary> {
  const summary: ReconcileRunSummary = { checked: 0, captured: 0, updated: 0, failed: 0, ordersCanceled: 0, discovered: 0, abandonedCancelled: 0, transactionsStored: 0, transactionsFailed: 0 }
  const registrations = meumRegistrations(container)
  if (registrations.length === 0) return summary
  // One sweep per Meum account, whichever registrations share it.
  const accounts = [...new Map(registrations.map((registration) => [`${registration.options.apiBaseUrl}|${registration.options.apiKey}`, registration])).values()]
  const byProviderId = new Map<string, MeumRegistration>(registrations.map((registration) => [registration.providerId, registration]))
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const ledger = container.resolve(MEUM_LEDGER_MODULE) as MeumLedgerService
  const batchSize = options.batchSize ?? positive(process.env.MEUM_RECONCILE_BATCH_SIZE, 100)
  const paidPages = positive(process.env.MEUM_RECONCILE_PAID_PAGES, 20)
  const concurrency = positive(process.env.MEUM_RECONCILE_CONCURRENCY, 4)
  const now = (options.now ?? Date.now)()

  const reconcile = async (sessionId: string | undefined, invoiceId?: string, providerId?: string): Promise<ReconcileOutcome | undefined> => {
    summary.checked++
    try {
      const result = await runReconcileMeumSession(container, { session_id: sessionId, invoice_id: invoiceId, now: options.now?.(), provider_id: providerId })
      if (result.outcome === "captured" && !result.duplicate) summary.captured++
      if (result.outcome === "updated" && !result.duplicate) summary.updated++
      if (result.outcome === "order_canceled") summary.ordersCanceled++
      if (result.outcome === "order_cancel_failed") summary.failed++
      return result
    } catch (error) {
      summary.failed++
      logger.warn(`Meum reconcile of ${sessionId}${invoiceId ? ` (invoice ${invoiceId})` : ""} failed, will retry after its backoff: ${(error as Error).message}`)
      return undefined
    }
  }

  // Paid at Meum but not settled here: a webhook was lost. Checked first, every run.
  const settledThisRun = new Set<string>()
  for (const account of accounts) {
    try {
      const found = await paidInvoicesToSettle(container, account.client, {
        now,
        maxPages: paidPages,
        // Older unsettled ones sit behind pages this run settles: their ledger rows bring them back.
        onPageLimit: (status) =>
          logger.warn(`Meum (${account.providerId}): more ${status} invoices without an order than one run reads (MEUM_RECONCILE_PAID_PAGES=${paidPages} pages of 100); older ones follow through the ledger's due checks`),
      })
      const fresh = found.filter((paid) => !settledThisRun.has(paid.invoiceId))
      for (const paid of fresh) settledThisRun.add(paid.invoiceId)
      // Each one under its own collection lock: a few at a time, so a burst of lost webhooks
      // (hundreds of paid invoices) is settled within one run.
      await runWithConcurrency(fresh, concurrency, async (paid) => void (await reconcile(paid.sessionId, paid.invoiceId, account.providerId)))
    } catch (error) {
      summary.failed++
      logger.warn(`Meum (${account.providerId}): listing paid invoices failed, will retry next run: ${(error as Error).message}`)
    }
  }

  const unconfigured = new Set<string>()
  for (const due of await ledger.listDueInvoices(now, batchSize)) {
    if (settledThisRun.has(due.invoice_id)) continue
    const registered = byProviderId.get(due.provider_id)
    if (!registered) {
      // Its registration was removed from medusa-config: no client can read that account. It
      // backs off like a failed check, so it never sits at the head of every run.
      unconfigured.add(due.provider_id)
      summary.failed++
      await ledger.recordObservation({ invoiceId: due.invoice_id, providerId: due.provider_id }, { kind: "check_failed", error: `${due.provider_id} is not a registered Meum provider` }).catch(() => undefined)
      continue
    }
    // An abandoned one (its session is gone) is cancelled at Meum by the same workflow.
    const result = await reconcile(due.payment_session_id ?? undefined, due.invoice_id, due.provider_id)
    if (result?.outcome === "abandoned_settled" && result.cancelled) summary.abandonedCancelled++
  }
  for (const providerId of unconfigured) {
    logger.warn(`Meum: the ledger has invoices of ${providerId}, which is no longer a registered Meum provider (medusa-config): they are not checked`)
  }

  for (const sessionId of await sessionsMissingFromLedger(container, batchSize)) {
    summary.discovered++
    await reconcile(sessionId)
  }

  for (const account of accounts) {
    try {
      summary.abandonedCancelled += (await cancelAbandonedInvoices(container, account.client, options.abandoned)).cancelled.length
    } catch (error) {
      summary.failed++
      logger.warn(`Meum (${account.providerId}): the sweep of abandoned open invoices failed, will retry next run: ${(error as Error).message}`)
    }
  }
  try {
    const transactions = await storeInvoiceTransactions(container, byProviderId, { now })
    summary.transactionsStored = transactions.stored
    summary.transactionsFailed = transactions.failed
  } catch (error) {
    summary.transactionsFailed++
    logger.warn(`Meum: the transactions pass failed, will retry next run: ${(error as Error).message}`)
  }
  await ledger.pruneDeliveries().catch((error: Error) => logger.warn(`Meum: pruning webhook deliveries failed: ${error.message}`))
  // Counters serve windows of minutes: a day of them is plenty for the admin.
  await ledger.pruneCounters(new Date(Date.now() - 86_400_000)).catch((error: Error) => logger.warn(`Meum: pruning counters failed: ${error.message}`))

  if (summary.captured || summary.updated || summary.failed || summary.ordersCanceled || summary.abandonedCancelled || summary.transactionsStored || summary.transactionsFailed) {
    logger.info(`Meum reconcile: ${JSON.stringify(summary)}`)
  }
  return summary
}

export const config = {
  name: "meum-reconcile-payments",
  schedule: process.env.MEUM_RECONCILE_SCHEDULE || "* * * * *",
}
