/**
 * POST /hooks/meum — the webhook URL to configure in Meum. Unlike Medusa's core
 * /hooks/payment/:provider (which answers 200 before doing anything, 5 s later, without retry),
 * this route verifies first and processes before answering:
 *   401 bad/missing signature or stale timestamp · 400 malformed · 200 {received:true} once the
 *   state is committed (the order exists for a paid invoice) · 200 {received:true, duplicate:true}
 *   when it already was · 503 on a transient failure, so Meum retries.
 * Under a burst the work waits in a bounded queue (options webhookConcurrency); a delivery whose
 * work has not finished within webhookResponseBudgetMs is answered 202 {received:true, queued:true}
 * and the work goes on — answering later would pass Meum's delivery timeout and make it retry into
 * the same backlog. Should that background work fail, the reconcile job picks the session up.
 */
import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { getMeumProvider } from "../../../lib/provider-registry"
import type { ReconcileOutcome } from "../../../lib/reconcile/reconcile-meum-session"
import { settleWithin, STILL_RUNNING, webhookWorkQueue } from "../../../lib/reconcile/webhook-work-queue"
import { cartIdOfInvoice } from "../../../lib/reconcile/adopt-orphaned-invoice"
import { claimDelivery, finishDelivery, recordRejectedDelivery } from "../../../lib/ledger/deliveries"
import { verifyAndFetchInvoice } from "../../../providers/meum/webhook-action"
import { reconcileMeumSessionWorkflow } from "../../../workflows/reconcile-meum-session"

export async function POST(req: MedusaRequest, res: MedusaResponse) {
  const logger = req.scope.resolve(ContainerRegistrationKeys.LOGGER)
  const registered = getMeumProvider()
  if (!registered) {
    res.status(503).json({ received: false, error: "payment provider not configured" })
    return
  }
  try {
    const verified = await verifyAndFetchInvoice(
      (req as unknown as { rawBody?: Buffer }).rawBody,
      req.headers as Record<string, unknown>,
      registered.options,
      registered.client
    )
    if (!verified.ok) {
      if (verified.status !== 200) {
        logger.warn(`Meum webhook rejected (${verified.status}): ${verified.reason}`)
        // Best effort: a forged or broken request is answered whatever the database says.
        await recordRejectedDelivery(req.scope, { verdict: verified.reason, httpStatus: verified.status }).catch(() => undefined)
      } else {
        // Answered 200 so Meum stops retrying, but nothing was done: say why.
        logger.info(
          `Meum webhook acknowledged without action: ${verified.reason} (event ${verified.eventId ?? "?"} ${verified.eventType ?? "?"}, invoice ${verified.invoiceId ?? "none"})`
        )
        if (verified.eventId) {
          const delivery = await claimDelivery(req.scope, { eventId: verified.eventId, eventType: verified.eventType ?? "?", invoiceId: verified.invoiceId })
          await finishDelivery(req.scope, delivery.id, "ignored", 200)
        }
      }
      res.status(verified.status).json(verified.status === 200 ? { received: true, ignored: verified.reason } : { received: false, error: verified.reason })
      return
    }
    const sessionId = verified.event.sessionId
    const invoiceId = verified.event.invoice.id
    // Durable dedupe shared by every process: the event id is unique in the ledger.
    const delivery = await claimDelivery(req.scope, { eventId: verified.event.eventId, eventType: verified.event.eventType, invoiceId })
    if (delivery.duplicate) {
      await finishDelivery(req.scope, delivery.id, "duplicate", 200).catch(() => undefined)
      res.status(200).json({ received: true, duplicate: true })
      return
    }
    const queue = webhookWorkQueue<ReconcileOutcome>(registered.options.webhookConcurrency)
    // Serialised per cart, not per session: after a failed completion Medusa replaces the session,
    // and the old invoice's retry (adoption) and the new invoice's events must not interleave.
    // Coalesced per invoice only: another invoice's delivery for the same cart queues behind.
    const cartId = cartIdOfInvoice(verified.event.invoice)
    const work = queue.run(
      cartId ?? sessionId,
      async () => {
        const { result } = await reconcileMeumSessionWorkflow(req.scope).run({
          input: { session_id: sessionId, invoice_id: invoiceId },
        })
        return result
      },
      invoiceId
    )
    const result = await settleWithin(work, registered.options.webhookResponseBudgetMs).catch(async (error: Error) => {
      await finishDelivery(req.scope, delivery.id, "failed", 503).catch(() => undefined)
      throw error
    })
    if (result === STILL_RUNNING) {
      work.then(
        (late) => finishDelivery(req.scope, delivery.id, late.outcome, 202),
        (error: Error) => {
          logger.error(`Meum webhook processing for payment session ${sessionId} failed after it was acknowledged; the reconcile job will retry it: ${error.message}`)
          return finishDelivery(req.scope, delivery.id, "failed", 202)
        }
      ).catch(() => undefined)
      res.status(202).json({ received: true, queued: true })
      return
    }
    await finishDelivery(req.scope, delivery.id, result.outcome, 200)
    const duplicate = (result.outcome === "captured" || result.outcome === "updated") && result.duplicate
    res.status(200).json(duplicate ? { received: true, duplicate: true } : { received: true })
  } catch (error) {
    logger.error(`Meum webhook processing failed, Meum will retry: ${(error as Error).message}`)
    res.status(503).json({ received: false, error: "temporary failure, retry later" })
  }
}
