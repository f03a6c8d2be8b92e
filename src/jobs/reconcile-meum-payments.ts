/**
 * Sweeps Meum sessions still pending, pending_authorization or requires_more and reconciles
 * each with its invoice, so a paid invoice becomes an order even when every webhook was lost.
 * Env: MEUM_RECONCILE_SCHEDULE (cron, default every minute), MEUM_RECONCILE_BATCH_SIZE (100),
 * MEUM_RECONCILE_MAX_AGE_HOURS (72: older sessions are left alone), MEUM_RECONCILE_DISABLED=true
 * to switch the schedule off (the test suites do, and call runMeumReconcile themselves).
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { getMeumProvider } from "../lib/provider-registry"
import type { ReconcileOptions } from "../lib/reconcile/reconcile-meum-session"
import { reconcileMeumSessionWorkflow } from "../workflows/reconcile-meum-session"
import { cancelAbandonedInvoices, type AbandonedSweepOptions } from "../lib/reconcile/cancel-abandoned-invoices"

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
  /** Open invoices of deleted sessions cancelled at Meum (a cart edit during a Meum outage). */
  abandonedCancelled: number
}

export interface ReconcileRunOptions extends ReconcileOptions {
  abandoned?: AbandonedSweepOptions
}

export default async function reconcileMeumPayments(container: MedusaContainer): Promise<void> {
  if (process.env.MEUM_RECONCILE_DISABLED === "true") return
  await runMeumReconcile(container)
}

export async function runMeumReconcile(container: MedusaContainer, options: ReconcileRunOptions = {}): Promise<ReconcileRunSummary> {
  const summary: ReconcileRunSummary = { checked: 0, captured: 0, updated: 0, failed: 0, ordersCanceled: 0, abandonedCancelled: 0 }
  const registered = getMeumProvider()
  if (!registered) return summary
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const payment = container.resolve(Modules.PAYMENT)
  const batchSize = positive(process.env.MEUM_RECONCILE_BATCH_SIZE, 100)
  const maxAgeMs = positive(process.env.MEUM_RECONCILE_MAX_AGE_HOURS, 72) * 3_600_000

  const sessions = await payment.listPaymentSessions(
    {
      provider_id: { $like: "pp_meum%" },
      status: ["pending", "pending_authorization", "requires_more"],
      created_at: { $gte: new Date(Date.now() - maxAgeMs) },
    } as any,
    { take: batchSize, order: { created_at: "ASC" } }
  )
  for (const session of sessions) {
    summary.checked++
    try {
      const { result } = await reconcileMeumSessionWorkflow(container).run({
        input: { session_id: session.id, now: options.now?.() },
      })
      if (result.outcome === "captured" && !result.duplicate) summary.captured++
      if (result.outcome === "updated" && !result.duplicate) summary.updated++
      if (result.outcome === "order_canceled") summary.ordersCanceled++
    } catch (error) {
      summary.failed++
      logger.warn(`Meum reconcile of ${session.id} failed, will retry next run: ${(error as Error).message}`)
    }
  }
  try {
    summary.abandonedCancelled = (await cancelAbandonedInvoices(container, registered.client, options.abandoned)).cancelled.length
  } catch (error) {
    summary.failed++
    logger.warn(`Meum: the sweep of abandoned open invoices failed, will retry next run: ${(error as Error).message}`)
  }
  if (summary.captured || summary.updated || summary.failed || summary.ordersCanceled || summary.abandonedCancelled) {
    logger.info(`Meum reconcile: ${JSON.stringify(summary)}`)
  }
  return summary
}

export const config = {
  name: "meum-reconcile-payments",
  schedule: process.env.MEUM_RECONCILE_SCHEDULE || "* * * * *",
}
