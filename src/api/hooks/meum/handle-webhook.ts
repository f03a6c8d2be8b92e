/**
 * The plugin's webhook handling, shared by `POST /hooks/meum` (every Meum registration of the
 * store is a candidate: the signature picks the account) and `POST /hooks/meum/:registration`
 * (that registration only). Unlike Medusa's core /hooks/payment/:provider (which answers 200
 * before doing anything, 5 s later, without retry), it verifies first and processes before
 * answering:
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
import { meumRegistrations, type MeumRegistration } from "../../../lib/provider-registry"
import type { ReconcileOutcome } from "../../../workflows/reconcile-outcome"
import { settleWithin, STILL_RUNNING, webhookWorkQueue } from "./webhook-work-queue"
import { cartIdOfInvoice } from "../../../lib/meum/external-order-id"
import { MEUM_LEDGER_MODULE } from "../../../modules/meum-ledger"
import type MeumLedgerService from "../../../modules/meum-ledger/service"
import {
  fetchVerifiedInvoice,
  isWebhookTestEvent,
  rejectionOf,
  UNKNOWN_INVOICE_REASON,
  verifyForRegistrations,
  VERIFIED_TEST_OUTCOME,
  type VerifyAndFetchResult,
} from "../../../lib/webhook-action"
import { signatureValueCapExceeded } from "../../../lib/meum/webhook-signature"
import { readRawBody } from "./raw-body"
import { rejectDelivery, webhookHeaderLengths } from "./rejected-delivery"
import { sessionIdFinder } from "./session-of-invoice"
import { runReconcileMeumSession } from "../../../workflows/run-reconcile-meum-session"

/**
 * Verifies the delivery against the candidates ONCE (one HMAC per distinct secret, one parse,
 * whatever their number), each with its own rules: the first registration whose check passes is the
 * account it came from (should two accounts share a secret and the first not know the invoice,
 * the next one that passed is asked). None passes: the first candidate's verdict.
 */
async function verifyAgainst(
  container: MedusaRequest["scope"],
  rawBody: unknown,
  headers: Record<string, unknown>,
  candidates: MeumRegistration[]
): Promise<{ result: VerifyAndFetchResult; registration?: MeumRegistration }> {
  const verdicts = verifyForRegistrations(rawBody, headers, candidates.map((candidate) => candidate.options))
  if (!verdicts) return { result: { ok: false, reason: "no_raw_body", status: 400 } }
  let first: { result: VerifyAndFetchResult; registration: MeumRegistration } | undefined
  for (let i = 0; i < candidates.length; i++) {
    const verdict = verdicts[i]
    if (!verdict.ok) continue
    const registration = candidates[i]
    const result = await fetchVerifiedInvoice(verdict, registration.client, sessionIdFinder(container, registration))
    if (result.ok || result.reason !== UNKNOWN_INVOICE_REASON) return { result, registration }
    first ??= { result, registration }
  }
  if (first) return first
  const rejected = verdicts[0]
  return { result: rejected.ok ? { ok: false, reason: "unverified", status: 401 } : rejectionOf(rejected) }
}

const TOO_MANY_SIGNATURES: VerifyAndFetchResult = { ok: false, reason: "too_many_signatures", status: 400 }
const BODY_TOO_LARGE: VerifyAndFetchResult = { ok: false, reason: "body_too_large", status: 413 }
const BODY_ABORTED: VerifyAndFetchResult = { ok: false, reason: "body_aborted", status: 400 }

export async function handleMeumWebhook(req: MedusaRequest, res: MedusaResponse, candidates: MeumRegistration[]): Promise<void> {
  const logger = req.scope.resolve(ContainerRegistrationKeys.LOGGER)
  const ledger = req.scope.resolve(MEUM_LEDGER_MODULE) as MeumLedgerService
  if (candidates.length === 0) {
    res.status(503).json({ received: false, error: "payment provider not configured" })
    return
  }
  // The registration a rejected delivery was meant for, when the URL named it.
  const namedProviderId = candidates.length === 1 ? candidates[0].providerId : undefined
  try {
    const headers = req.headers as Record<string, unknown>
    // Refused on its headers alone (too many signature values), or on its size, before any HMAC;
    // a body that never arrived whole (client gone) is refused like any unsigned request.
    const read = signatureValueCapExceeded(headers) ? undefined : await readRawBody(req)
    const rawBody = read?.ok ? read.body : undefined
    const { result: verified, registration } = rawBody
      ? await verifyAgainst(req.scope, rawBody, headers, candidates)
      : { result: !read ? TOO_MANY_SIGNATURES : !read.ok && read.reason === "aborted" ? BODY_ABORTED : BODY_TOO_LARGE, registration: undefined }
    const providerId = registration?.providerId ?? namedProviderId
    if (!verified.ok) {
      if (verified.status !== 200) {
        // Counted per reason and minute, the warning rate-limited: never one row or line each.
        await rejectDelivery(req.scope, {
          reason: verified.reason,
          httpStatus: verified.status,
          providerId,
          bodyBytes: rawBody?.length ?? (Number(req.headers["content-length"]) || 0),
          headerLengths: webhookHeaderLengths(req.headers as Record<string, unknown>),
        })
      } else {
        // Answered 200 so Meum stops retrying, but nothing was done: say why.
        logger.info(
          `Meum webhook acknowledged without action: ${verified.reason} (event ${verified.eventId ?? "?"} ${verified.eventType ?? "?"}, invoice ${verified.invoiceId ?? "none"})`
        )
        if (verified.eventId) {
          const delivery = await ledger.claimDelivery({ eventId: verified.eventId, eventType: verified.eventType ?? "?", invoiceId: verified.invoiceId, providerId })
          // A verified webhook.test is recorded as such: the setup command and the health page look for it.
          await ledger.finishDelivery(delivery.id, isWebhookTestEvent(verified.eventType) ? VERIFIED_TEST_OUTCOME : "ignored", 200)
        }
      }
      // The rest of an oversized (chunked) body is not read: Node closes the connection after the answer.
      if (verified.status === 413) res.setHeader("Connection", "close")
      const acknowledged = isWebhookTestEvent(verified.eventType) ? { received: true } : { received: true, ignored: verified.reason }
      res.status(verified.status).json(verified.status === 200 ? acknowledged : { received: false, error: verified.reason })
      return
    }
    const chosen = registration!
    const sessionId = verified.event.sessionId
    const invoiceId = verified.event.invoice.id
    // Durable dedupe shared by every process: the event id is unique in the ledger.
    const delivery = await ledger.claimDelivery({ eventId: verified.event.eventId, eventType: verified.event.eventType, invoiceId, providerId: chosen.providerId })
    if (delivery.duplicate) {
      await ledger.finishDelivery(delivery.id, "duplicate", 200).catch(() => undefined)
      res.status(200).json({ received: true, duplicate: true })
      return
    }
    // One queue per process for every registration (the carts are the store's, whichever account
    // they pay through): its concurrency is the largest configured, so it is not re-created
    // whenever a delivery of another registration comes in.
    const concurrency = Math.max(chosen.options.webhookConcurrency, ...meumRegistrations(req.scope).map((r) => r.options.webhookConcurrency))
    const queue = webhookWorkQueue<ReconcileOutcome>(concurrency)
    // Serialised per cart, not per session: after a failed completion Medusa replaces the session,
    // and the old invoice's retry (adoption) and the new invoice's events must not interleave.
    // Coalesced per invoice only: another invoice's delivery for the same cart queues behind.
    const cartId = cartIdOfInvoice(verified.event.invoice)
    const work = queue.run(
      cartId ?? sessionId,
      // The invoice just read to check the event is the run's read: it is not read again.
      () => runReconcileMeumSession(req.scope, { session_id: sessionId, invoice_id: invoiceId, provider_id: chosen.providerId, invoice: verified.event.invoice }),
      invoiceId
    )
    const result = await settleWithin(work, chosen.options.webhookResponseBudgetMs).catch(async (error: Error) => {
      await ledger.finishDelivery(delivery.id, "failed", 503).catch(() => undefined)
      throw error
    })
    if (result === STILL_RUNNING) {
      work.then(
        (late) => ledger.finishDelivery(delivery.id, late.outcome, 202),
        (error: Error) => {
          logger.error(`Meum webhook processing for payment session ${sessionId} failed after it was acknowledged; the reconcile job will retry it: ${error.message}`)
          return ledger.finishDelivery(delivery.id, "failed", 202)
        }
      ).catch(() => undefined)
      res.status(202).json({ received: true, queued: true })
      return
    }
    await ledger.finishDelivery(delivery.id, result.outcome, 200)
    const duplicate = (result.outcome === "captured" || result.outcome === "updated") && result.duplicate
    res.status(200).json(duplicate ? { received: true, duplicate: true } : { received: true })
  } catch (error) {
    logger.error(`Meum webhook processing failed, Meum will retry: ${(error as Error).message}`)
    res.status(503).json({ received: false, error: "temporary failure, retry later" })
  }
}
