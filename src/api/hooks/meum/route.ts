/**
 * POST /hooks/meum — the webhook URL to configure in Meum — and its handling, shared with
 * POST /hooks/meum/<registration id> (./[registration]/route.ts, that registration only). With
 * several Meum registrations (several accounts), every registration's secrets are tried here: the
 * signature picks the account.
 *
 * Unlike Medusa's core /hooks/payment/:provider (which answers 200 before doing anything, 5 s later,
 * without retry), it verifies first and processes before answering:
 *   401 bad/missing signature or stale timestamp · 400 malformed · 200 {received:true} once the
 *   state is committed (the order exists for a paid invoice) · 200 {received:true, duplicate:true}
 *   when it already was · 503 on a transient failure, so Meum retries.
 * Under a burst the work waits in a bounded queue (the last section, options
 * webhookConcurrency); a delivery whose work has not finished within webhookResponseBudgetMs is
 * answered 202 {received:true, queued:true} and the work goes on — answering later would pass
 * Meum's delivery timeout and make it retry into the same backlog. Should that background work
 * fail, the reconcile job picks the session up.
 */
import type { IncomingMessage } from "node:http"
import type { MedusaContainer } from "@medusajs/framework/types"
import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { meumRegistrations, readStoredSessionData, sameMeumAccount, type MeumRegistration } from "../../../lib/provider-registry"
import { cartIdOfInvoice, orderReferenceOf, type Invoice } from "../../../lib/meum/invoice"
import {
  fetchVerifiedInvoice,
  isWebhookTestEvent,
  rejectionOf,
  signatureValueCapExceeded,
  UNKNOWN_INVOICE_REASON,
  verifyForRegistrations,
  type SessionIdFinder,
  type VerifyAndFetchResult,
} from "../../../lib/meum/webhook-signature"
import { VERIFIED_TEST_OUTCOME } from "../../../lib/webhook-action"
import { MEUM_LEDGER_MODULE } from "../../../modules/meum-ledger"
import type MeumLedgerService from "../../../modules/meum-ledger/service"
import { collectionOfCart } from "../../../workflows/steps/reconcile-read-and-record"
import { runReconcileMeumSession, type ReconcileOutcome } from "../../../workflows/reconcile-meum-session"
import { rejectDelivery, webhookHeaderLengths } from "./rejected-delivery"

export async function POST(req: MedusaRequest, res: MedusaResponse) {
  await handleMeumWebhook(req, res, meumRegistrations(req.scope))
}

// ─── The body ───
/**
 * The webhook routes read their body themselves (middlewares.ts: bodyParser false): the exact
 * bytes, up to a limit, and nothing parsed before the signature is checked — Medusa's JSON parser
 * would parse every unsigned 250 kB body first (work before trust, issue 18.1).
 */
/** Meum's events are a few kB; 256 kB as before (the body parser's former sizeLimit). */
export const WEBHOOK_BODY_LIMIT_BYTES = 256 * 1024

/**
 * The body's bytes, or why there are none. Never rejects: a client that goes away mid-body is
 * unsigned traffic like any other and must reach the route's rate-limited rejection path, not
 * its "Meum will retry" error log (one line per request).
 */
export type RawBodyResult = { ok: true; body: Buffer } | { ok: false; reason: "too_large" | "aborted" }

const TOO_LARGE: RawBodyResult = { ok: false, reason: "too_large" }
const ABORTED: RawBodyResult = { ok: false, reason: "aborted" }

export function readRawBody(req: IncomingMessage & { rawBody?: unknown }, limit = WEBHOOK_BODY_LIMIT_BYTES): Promise<RawBodyResult> {
  // Already read (a body parser configured with preserveRawBody): use those bytes.
  if (Buffer.isBuffer(req.rawBody)) return Promise.resolve(req.rawBody.length > limit ? TOO_LARGE : { ok: true, body: req.rawBody })
  if (Number(req.headers["content-length"]) > limit) return Promise.resolve(TOO_LARGE)
  // Consumed by someone else without keeping the bytes, or already gone: 'end' / 'close' will not
  // come again, so waiting for them would hang the request. Nothing can be verified either.
  if (req.readableEnded || req.destroyed) return Promise.resolve(ABORTED)
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    let settled = false
    const settle = (result: RawBodyResult) => {
      if (settled) return
      settled = true
      req.off("data", onData)
      req.off("end", onEnd)
      req.off("aborted", onAborted)
      req.off("close", onAborted)
      // The 'error' listener stays (a no-op now): a stream other than IncomingMessage with no
      // listener left would throw its later error as an uncaught exception.
      resolve(result)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        // The stream stays flowing with no listener: the rest is discarded, not buffered; the
        // route answers 413 with Connection: close, so Node ends the connection after it.
        settle(TOO_LARGE)
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => settle({ ok: true, body: Buffer.concat(chunks, size) })
    // 'close' after 'end' finds the promise settled; before it, the body is incomplete.
    const onAborted = () => settle(ABORTED)
    req.on("data", onData)
    req.once("end", onEnd)
    req.on("error", onAborted)
    req.once("aborted", onAborted)
    req.once("close", onAborted)
  })
}

// ─── The session of an invoice without our metadata ───
/**
 * The Medusa session of an invoice whose metadata came back without our session id (issue 18.7):
 * matched by what the store itself knows, never acknowledged and dropped. First the ledger row of
 * that invoice id (written by the server when the invoice was created); else the cart named by the
 * invoice's external_order_id (the cart id, or a suffixed form of it, see src/lib/meum/invoice.ts) →
 * its payment collection → the Meum session, of a registration on this registration's Meum account,
 * whose stored invoice_id is this invoice. What the session asked for is still checked against the
 * invoice downstream.
 */
export function sessionIdFinder(container: MedusaContainer, registration: MeumRegistration): SessionIdFinder {
  return async (invoice: Invoice) => {
    const row = await (container.resolve(MEUM_LEDGER_MODULE) as MeumLedgerService).findInvoiceRow(invoice.id)
    if (row?.payment_session_id) return row.payment_session_id
    if (!invoice.external_order_id) return undefined
    const cartId = orderReferenceOf(invoice.external_order_id)
    const collectionId = await collectionOfCart(container, cartId)
    if (!collectionId) return undefined
    // Any registration on the same Meum account, not only the verifying one: the account fetched
    // this invoice, and two registrations of one account (e.g. per region) share its invoices; the
    // first that verifies the signature is not necessarily the one whose session holds it.
    const accountProviderIds = new Set([
      registration.providerId,
      ...meumRegistrations(container)
        .filter((other) => sameMeumAccount(other, registration))
        .map((other) => other.providerId),
    ])
    const sessions = (await container
      .resolve(Modules.PAYMENT)
      .listPaymentSessions({ payment_collection_id: collectionId })) as unknown as Array<{ id: string; provider_id: string; data: Record<string, unknown> }>
    return sessions.find(
      (session) => accountProviderIds.has(session.provider_id) && readStoredSessionData(session.data)?.invoice_id === invoice.id
    )?.id
  }
}

// ─── Verify, claim, run, answer ───
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

// ─── The work queue ───
/**
 * Bounded queue for webhook work, one task at a time per key (a cart), coalescing per invoice.
 *
 * Why: a burst of paid webhooks (a drop, a sale, Meum re-sending a backlog) would otherwise start
 * one cart completion per request at once. On a small server that exhausts the database pool and
 * Medusa's cart-lock timeouts, answers pass Meum's delivery timeout, Meum retries while the first
 * attempt still holds the cart lock, and the retries fail on that lock — load feeding on itself
 * (measured: 100 concurrent deliveries, every first attempt timed out). So:
 *  - at most `concurrency` tasks run at once; the rest wait in arrival order;
 *  - tasks of one key (a cart) never overlap;
 *  - a task that has not started yet absorbs later requests for the same key *and the same work*
 *    (`coalesceKey`, the invoice: it will read that invoice fresh when it starts). Work about
 *    another invoice of the same cart is never absorbed: it queues behind (a paid delivery of an
 *    older session's invoice must not be answered by a task that only looks at the new one).
 */
interface Entry<T> {
  key: string
  coalesceKey: string
  task: () => Promise<T>
  promise: Promise<T>
  resolve: (value: T) => void
  reject: (error: unknown) => void
}

const waitingKey = (key: string, coalesceKey: string) => `${key}\0${coalesceKey}`

export class SessionWorkQueue<T> {
  private readonly waiting: Entry<T>[] = []
  private readonly waitingByKey = new Map<string, Entry<T>>()
  private readonly runningKeys = new Set<string>()
  private running = 0
  private idleWaiters: Array<() => void> = []

  constructor(private readonly concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError("concurrency must be a positive integer")
  }

  /** Runs `task` for `key` (or joins the not-yet-started task already queued for the same key and work). */
  run(key: string, task: () => Promise<T>, coalesceKey: string = key): Promise<T> {
    const queued = this.waitingByKey.get(waitingKey(key, coalesceKey))
    if (queued) return queued.promise
    let resolve!: (value: T) => void
    let reject!: (error: unknown) => void
    const promise = new Promise<T>((res, rej) => {
      resolve = res
      reject = rej
    })
    const entry: Entry<T> = { key, coalesceKey, task, promise, resolve, reject }
    this.waiting.push(entry)
    this.waitingByKey.set(waitingKey(key, coalesceKey), entry)
    this.pump()
    return promise
  }

  stats(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length }
  }

  /** Resolves once nothing runs or waits (e.g. before a shutdown, or in a test after a 202). */
  idle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  private pump(): void {
    while (this.running < this.concurrency) {
      // The first waiting entry whose key is not already running (tasks of one key never overlap).
      const index = this.waiting.findIndex((entry) => !this.runningKeys.has(entry.key))
      if (index === -1) return
      const [entry] = this.waiting.splice(index, 1)
      this.waitingByKey.delete(waitingKey(entry.key, entry.coalesceKey))
      this.runningKeys.add(entry.key)
      this.running++
      Promise.resolve()
        .then(entry.task)
        .then(entry.resolve, entry.reject)
        .finally(() => {
          this.running--
          this.runningKeys.delete(entry.key)
          this.pump()
          if (this.running === 0 && this.waiting.length === 0) {
            const waiters = this.idleWaiters
            this.idleWaiters = []
            waiters.forEach((resolve) => resolve())
          }
        })
    }
  }
}

/**
 * The process-wide queue the /hooks/meum route hands its work to (see SessionWorkQueue above for why).
 * One per process, on a global symbol like the provider registry, so source and build copies of
 * this module share it; re-created only if the configured concurrency changes.
 */
const QUEUE_KEY = Symbol.for("medusa-payment-meum.webhook-work-queue")

type Holder = Record<symbol, { concurrency: number; queue: SessionWorkQueue<unknown> } | undefined>

export function webhookWorkQueue<T>(concurrency: number): SessionWorkQueue<T> {
  const holder = globalThis as unknown as Holder
  const existing = holder[QUEUE_KEY]
  if (existing && existing.concurrency === concurrency) return existing.queue as SessionWorkQueue<T>
  const queue = new SessionWorkQueue<unknown>(concurrency)
  holder[QUEUE_KEY] = { concurrency, queue }
  return queue as SessionWorkQueue<T>
}

const STILL_RUNNING = Symbol("still running")

/** The promise's value if it settles within `ms`, else STILL_RUNNING (the promise keeps going). */
async function settleWithin<T>(promise: Promise<T>, ms: number): Promise<T | typeof STILL_RUNNING> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<typeof STILL_RUNNING>((resolve) => {
    timer = setTimeout(() => resolve(STILL_RUNNING), ms)
  })
  try {
    return await Promise.race([promise, deadline])
  } finally {
    clearTimeout(timer)
  }
}
