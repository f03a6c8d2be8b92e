/**
 * THE reconcile workflow: brings a Meum invoice and its Medusa payment session in line. The
 * webhook route (/hooks/meum), the scheduled job and the admin "Re-check now" run it; it decides
 * nothing itself. In the style of core-flows:
 *
 *   locate → lock (per payment collection, shared by every process) → read the invoice once →
 *   load the Medusa facts → decide (src/modules/meum-ledger/decide.ts, pure) →
 *     when adopt:   a live session of the cart takes the paid invoice
 *     when capture: lock the cart → authorize (Meum answers captured: Payment + Capture) →
 *                   capturePaymentWorkflow (order transaction, payment.captured) → unlock → complete the cart
 *     when merchant: seal an accepted underpayment (then capture what was received) or cancel a rejected one
 *     when cancel:  cancel the order-first order of a dead invoice, or of a rejected underpayment
 *     when refresh: store the status table's answer on the session
 *     when abandoned or past its lifetime: cancel an open invoice at Meum (then refresh its session)
 *   → record the one ledger transition → unlock.
 *
 * The cart lock is taken here rather than by processPaymentWorkflow.runAsStep: core's lock step
 * skips itself inside a sub-workflow, and a shopper's own completion must wait for this capture.
 * Callers use runReconcileMeumSession (at the end of this file), which also records a run that
 * failed half way. What the run reads before deciding and how it records what it did are in
 * ./steps/reconcile-read-and-record.ts; the steps that wrap one call are here.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { createStep, createWorkflow, StepResponse, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { ContainerRegistrationKeys, MathBN, MedusaError, Modules } from "@medusajs/framework/utils"
import { acquireLockStep, cancelOrderWorkflow, capturePaymentWorkflow, completeCartWorkflowId, releaseLockStep } from "@medusajs/core-flows"
import { MeumApiError } from "../lib/meum/errors"
import type { Invoice, ReadInvoiceStatus as InvoiceStatus } from "../lib/meum/invoice"
import { MEUM_PROVIDER_ID, meumRegistrationFor, readStoredSessionData } from "../lib/provider-registry"
import { MEUM_LEDGER_MODULE } from "../modules/meum-ledger"
import type MeumLedgerService from "../modules/meum-ledger/service"
import { decide, type Decision, type MerchantAction, type Observation } from "../modules/meum-ledger/decide"
import {
  loadMedusaFactsStep,
  locateMeumInvoiceStep,
  readMeumInvoiceStep,
  recordReconciliationStep,
  type LoadedFacts,
  type LocatedInvoice,
  type ReadInvoiceResult,
} from "./steps/reconcile-read-and-record"
import { adoptPaidInvoiceStep } from "./steps/adopt-paid-invoice"
import { settleUnderpaymentStep } from "./steps/settle-underpayment"

/** What one reconcile run did, as the webhook route, the job and admin report it. */
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
  /** An abandoned invoice: cancelled at Meum now (`cancelled`), or Meum said it was no longer open. */
  | { outcome: "abandoned_settled"; cancelled: boolean; invoiceStatus?: InvoiceStatus }
  /** The merchant's decision was carried out (or had been: `already`). */
  | {
      outcome: "decided"
      decision: "accepted" | "rejected" | "resolved"
      already?: boolean
      orderId?: string
      paidAmount?: string
      shortfall?: string
      currency?: string
      /** Rejected, but the order was kept: its money arrived another way. */
      orderKeptBecause?: string
    }

/** Asks the ledger module's pure decision (src/modules/meum-ledger/decide.ts) once per run. */
interface DecideInput {
  located: LocatedInvoice
  read: ReadInvoiceResult
  facts: LoadedFacts
  force?: boolean
  now?: number
  merchant?: MerchantAction
}

const decideReconciliationStep = createStep("decide-meum-reconciliation", async (input: DecideInput) => {
  const { located, read, facts } = input
  if (located.skip) return new StepResponse<Decision>({ action: { kind: "hold", reason: located.skip } })
  if (input.merchant === "resolve") {
    // Needs the ledger row only.
    return new StepResponse<Decision>(
      decide({ row: facts.row, merchant: "resolve", invoice: { status: "unknown", paidAsAsked: false }, medusa: { mode: "pay_first", heldBySession: false, captured: false, hasCart: false }, now: input.now ?? Date.now(), graceMs: 0 })
    )
  }
  if (read.notFound) return new StepResponse<Decision>({ action: { kind: "nothing", duplicate: false }, observation: { kind: "dead" } })
  return new StepResponse<Decision>(
    decide({
      row: facts.row,
      invoice: facts.invoice!,
      medusa: facts.medusa!,
      force: input.force,
      merchant: input.merchant,
      now: input.now ?? Date.now(),
      graceMs: facts.graceMs,
      lifetimeMs: facts.lifetimeMs,
    })
  )
})

/**
 * Medusa's authorizePaymentSession for a paid invoice: the provider answers `captured`, so Medusa
 * creates the Payment and captures it at once. Idempotent in Medusa (an authorized session returns
 * its Payment). No compensation: Meum cannot refund, so an undone Payment would only hide money
 * that arrived; a failed completion later is retried by the ledger instead.
 *
 * It also says whether the Payment is new in this run and how much of it is captured, so the
 * workflow runs Medusa's capture workflow once per payment (its order transaction and
 * `payment.captured`), and a resumed accepted underpayment is not captured a second time.
 */
interface AuthorizedMeumPayment {
  paymentId?: string
  captured: boolean
  /** The session had no Payment before this run. */
  fresh: boolean
  /** What the Payment's captures add up to, as a decimal string. */
  capturedAmount: string
}

const authorizeMeumSessionStep = createStep("authorize-meum-session", async ({ sessionId }: { sessionId: string }, { container }) => {
  const payments = container.resolve(Modules.PAYMENT)
  const [before] = (await payments.listPaymentSessions({ id: sessionId }, { select: ["id", "authorized_at"] })) as Array<{ authorized_at?: Date | string | null }>
  const payment = (await payments.authorizePaymentSession(sessionId, {})) as { id: string; captured_at?: Date | string | null } | null
  const captures = payment ? ((await payments.listCaptures({ payment_id: payment.id }, { select: ["id", "amount"] })) as Array<{ amount: unknown }>) : []
  const capturedAmount = captures.reduce((sum, capture) => MathBN.add(sum, capture.amount as number), MathBN.convert(0))
  return new StepResponse<AuthorizedMeumPayment>({
    paymentId: payment?.id,
    captured: Boolean(payment?.captured_at),
    fresh: !before?.authorized_at,
    capturedAmount: capturedAmount.toString(),
  })
})

/**
 * Completes the cart into an order once its payment is captured, the way core-flows'
 * processPaymentWorkflow does (Medusa does not export that step): through the workflow engine, so
 * completeCartWorkflow takes the cart lock itself. A failed completion is reported, not thrown:
 * the payment stays captured and the ledger counts the attempt.
 */
const completeCartAfterMeumPaymentStep = createStep("complete-cart-after-meum-payment", async ({ cartId }: { cartId?: string }, { container }) => {
  if (!cartId) return new StepResponse<{ error?: string }>({})
  try {
    await container.resolve(Modules.WORKFLOW_ENGINE).run(completeCartWorkflowId, { input: { id: cartId } })
    return new StepResponse<{ error?: string }>({})
  } catch (error) {
    return new StepResponse<{ error?: string }>({ error: (error as Error)?.message ?? String(error) })
  }
})

/**
 * Order-first: cancels the order of an invoice that died past its grace period. Medusa's
 * cancelOrderWorkflow releases the inventory reservations. It runs through the workflow engine and
 * its refusal (a fulfilled or completed order) is reported, not thrown: a refusal is an outcome the
 * ledger counts and hands to the merchant after N attempts, not a reason to fail the run.
 */
const cancelOrderOfDeadInvoiceStep = createStep("cancel-order-of-dead-meum-invoice", async ({ orderId }: { orderId: string }, { container }) => {
  try {
    await cancelOrderWorkflow(container).run({ input: { order_id: orderId } })
    return new StepResponse<{ error?: string }>({})
  } catch (error) {
    return new StepResponse<{ error?: string }>({ error: (error as Error)?.message ?? String(error) })
  }
})

/**
 * Cancels at Meum an invoice whose session is gone, so the old price can no longer be paid. Meum
 * refusing (the invoice is no longer open, or cannot be cancelled) is not a failure: what Meum says
 * about the invoice afterwards is what the ledger records (paid → the merchant, closed → done).
 */
const cancelInvoiceAtMeumStep = createStep("cancel-meum-invoice", async ({ invoiceId, providerId }: { invoiceId: string; providerId: string }, { container }) => {
  const client = meumRegistrationFor(container, providerId)!.client
  try {
    return new StepResponse<{ invoice?: Invoice }>({ invoice: await client.cancelInvoice(invoiceId) })
  } catch (error) {
    if (error instanceof MeumApiError && error.isNotFound) return new StepResponse<{ invoice?: Invoice }>({})
    if (!(error instanceof MeumApiError && error.kind === "final")) throw error
    return new StepResponse<{ invoice?: Invoice }>({ invoice: await client.getInvoice(invoiceId) })
  }
})

/**
 * Stores the status table's answer on the session: Medusa's authorizePaymentSession asks the
 * provider (which reads the invoice) and stores what it says; for anything but authorized or
 * captured it then throws NOT_ALLOWED — expected here.
 */
const refreshSessionStatusStep = createStep("refresh-meum-session-status", async ({ sessionId }: { sessionId: string }, { container }) => {
  const payment = container.resolve(Modules.PAYMENT)
  try {
    await payment.authorizePaymentSession(sessionId, {})
  } catch (error) {
    if (!(error instanceof MedusaError && error.type === MedusaError.Types.NOT_ALLOWED)) throw error
  }
  const [session] = (await payment.listPaymentSessions({ id: sessionId }, { select: ["id", "status"] })) as Array<{ status: string }>
  return new StepResponse({ sessionStatus: session?.status })
})

export interface ReconcileMeumSessionInput {
  /** The session to reconcile; a merchant's resolve may name only the invoice. */
  session_id?: string
  /** The invoice a webhook named: a paid invoice its session no longer holds may be adopted. */
  invoice_id?: string
  /** The invoice as the webhook route has just read it from Meum: then it is not read again. */
  invoice?: Invoice
  /** Epoch ms to judge the order-first grace period against (defaults to now). */
  now?: number
  /** Admin "Re-check now": act even on an invoice the ledger handed to the merchant. */
  force?: boolean
  /** The Meum registration (pp_meum_<id>) the caller knows the invoice by (the webhook's account, the ledger row). */
  provider_id?: string
  /** An admin decision: accept or reject an underpayment, or mark a raised invoice resolved (who, and a note). */
  merchant?: { action: MerchantAction; by?: string; note?: string }
}

const LOCK_WAIT_SECONDS = 60
const LOCK_TTL_SECONDS = 120

export const reconcileMeumSessionWorkflowId = "reconcile-meum-session"

export const reconcileMeumSessionWorkflow = createWorkflow(reconcileMeumSessionWorkflowId, (input: ReconcileMeumSessionInput) => {
  const located = locateMeumInvoiceStep(input)
  const lockKey = transform({ located }, ({ located }) => located.lockKey)
  acquireLockStep({ key: lockKey, timeout: LOCK_WAIT_SECONDS, ttl: LOCK_TTL_SECONDS })

  const merchant = transform({ input }, ({ input }) => input.merchant?.action)
  const read = readMeumInvoiceStep({ located, invoice: input.invoice, merchant })
  const facts = loadMedusaFactsStep({ located, read, merchant })
  const decision = decideReconciliationStep({ located, read, facts, force: input.force, now: input.now, merchant })

  const underpayment = when("settle-underpayment", { decision }, ({ decision }) => decision.action.kind === "accept_underpaid" || decision.action.kind === "reject_underpaid").then(() =>
    settleUnderpaymentStep({
      sessionId: transform({ facts }, ({ facts }) => facts.session!.id),
      invoice: read.invoice!,
      decision: transform({ decision }, ({ decision }) => (decision.action.kind === "accept_underpaid" ? ("accept" as const) : ("reject" as const))),
    })
  )

  const adopted = when("adopt-paid-invoice", { decision }, ({ decision }) => decision.action.kind === "adopt").then(() =>
    adoptPaidInvoiceStep({ invoice: read.invoice!, providerId: located.providerId!, fallbackSessionId: located.sessionId })
  )

  // The session whose payment is authorized and captured, and the cart to complete (none when its order exists).
  const captureTarget = transform({ decision, facts, adopted, located, underpayment }, ({ decision, facts, adopted, located, underpayment }) => {
    const completeCartId = facts.medusa?.order ? undefined : facts.cartId
    if (decision.action.kind === "capture_and_complete") return { sessionId: facts.session!.id, cartId: facts.cartId, completeCartId, amount: facts.session!.amount as number | string, paymentCollectionId: located.collectionId }
    if (decision.action.kind === "accept_underpaid") return { sessionId: facts.session!.id, cartId: facts.cartId, completeCartId, amount: underpayment!.paidAmount as number | string, paymentCollectionId: located.collectionId }
    if (decision.action.kind === "adopt" && adopted?.sessionId) return { sessionId: adopted.sessionId, cartId: adopted.cartId, completeCartId: adopted.cartId, amount: undefined, paymentCollectionId: adopted.paymentCollectionId }
    return undefined
  })

  const cartKey = transform({ captureTarget }, ({ captureTarget }) => captureTarget?.cartId)
  const targetSessionId = transform({ captureTarget }, ({ captureTarget }) => captureTarget?.sessionId ?? "")
  const authorized = when("authorize-meum-payment", { captureTarget }, ({ captureTarget }) => !!captureTarget).then(() => {
    acquireLockStep({ key: cartKey, timeout: 30, ttl: LOCK_TTL_SECONDS }).config({ name: "lock-meum-cart" })
    return authorizeMeumSessionStep({ sessionId: targetSessionId })
  })
  // Once per payment: when it is new in this run — even if Meum's answer already captured it, Medusa's
  // capture workflow then captures nothing again but records the money on an existing (order-first)
  // order and emits payment.captured, the event a merchant's confirmation waits for — or while less
  // than the target is captured. A retried completion or a resumed accepted underpayment skips it.
  when("capture-meum-payment", { authorized, captureTarget }, ({ authorized, captureTarget }) => {
    if (!authorized?.paymentId) return false
    const short = captureTarget?.amount !== undefined && MathBN.lt(MathBN.convert(authorized.capturedAmount), MathBN.convert(captureTarget.amount))
    return authorized.fresh || (!authorized.captured && short)
  }).then(() => {
    capturePaymentWorkflow.runAsStep({
      input: transform({ authorized, captureTarget }, ({ authorized, captureTarget }) => ({ payment_id: authorized!.paymentId!, amount: captureTarget!.amount })),
    })
  })
  const completion = when("complete-meum-cart", { captureTarget }, ({ captureTarget }) => !!captureTarget).then(() => {
    // Released before the completion, as core-flows does: completeCartWorkflow takes the cart lock itself.
    releaseLockStep({ key: cartKey }).config({ name: "unlock-meum-cart" })
    return completeCartAfterMeumPaymentStep({ cartId: transform({ captureTarget }, ({ captureTarget }) => captureTarget?.completeCartId) })
  })

  const cancelledAtMeum = when("cancel-at-meum", { decision }, ({ decision }) => decision.action.kind === "cancel_at_meum").then(() =>
    cancelInvoiceAtMeumStep({ invoiceId: read.invoice!.id, providerId: located.providerId! })
  )

  const orderToCancel = transform({ decision }, ({ decision }) =>
    decision.action.kind === "cancel_order" ? decision.action.orderId : decision.action.kind === "reject_underpaid" ? decision.action.cancelOrderId : undefined
  )
  const cancelled = when("cancel-order", { orderToCancel }, ({ orderToCancel }) => !!orderToCancel).then(() => cancelOrderOfDeadInvoiceStep({ orderId: orderToCancel as unknown as string }))

  const refreshed = when("refresh-session-status", { decision, facts }, ({ decision, facts }) => !!facts.session && (decision.action.kind === "refresh_session" || decision.action.kind === "cancel_order" || decision.action.kind === "cancel_at_meum")).then(() =>
    refreshSessionStatusStep({ sessionId: transform({ facts }, ({ facts }) => facts.session!.id) })
  )

  const recorded = recordReconciliationStep({
    located,
    invoice: read.invoice,
    notFound: read.notFound,
    facts,
    decision,
    captureTarget,
    completion,
    adopted,
    cancelled,
    refreshed,
    underpayment,
    cancelledAtMeum,
    merchant: input.merchant,
    now: input.now,
  })
  releaseLockStep({ key: lockKey })
  return new WorkflowResponse(recorded)
})

/**
 * How callers run the reconcile workflow. Two things the workflow cannot do for itself:
 * - a run whose decided action failed (the order was not placed) is an error to the caller, so the
 *   webhook route answers 5xx (Meum retries) and the job counts it — after the workflow recorded it;
 * - a run that threw half way (Meum or the database failing, a lock timeout) still moves the
 *   invoice's ledger row, through the ledger service: a 404 closes it, a paid invoice counts a
 *   failed completion, anything else backs off — so it never sits at the head of every job run.
 */
export async function runReconcileMeumSession(container: MedusaContainer, input: ReconcileMeumSessionInput): Promise<ReconcileOutcome> {
  let result: { outcome: ReconcileOutcome; error?: string; refused?: string }
  try {
    ;({ result } = await reconcileMeumSessionWorkflow(container).run({ input }))
  } catch (error) {
    await recordFailedRun(container, input, error).catch(() => undefined)
    throw error
  }
  if (result.refused) throw new MedusaError(MedusaError.Types.NOT_ALLOWED, result.refused)
  if (result.error) throw new MedusaError(MedusaError.Types.UNEXPECTED_STATE, result.error)
  return result.outcome
}

async function recordFailedRun(container: MedusaContainer, input: ReconcileMeumSessionInput, error: unknown): Promise<void> {
  // A merchant's decision that failed half way is left undecided (the next click resumes).
  if (input.merchant) return
  let invoiceId = input.invoice_id
  if (!invoiceId && input.session_id) {
    const [session] = (await container.resolve(Modules.PAYMENT).listPaymentSessions({ id: input.session_id }, { select: ["id", "data"] })) as Array<{ data?: Record<string, unknown> }>
    invoiceId = readStoredSessionData(session?.data)?.invoice_id
  }
  if (!invoiceId) return
  const ledger = container.resolve(MEUM_LEDGER_MODULE) as MeumLedgerService
  const row = await ledger.findInvoiceRow(invoiceId)
  const paid = (input.invoice?.id === invoiceId ? input.invoice.status : row?.meum_status) === "paid"
  if (!row && !paid) return
  const message = (error as Error)?.message ?? String(error)
  const observation: Observation =
    error instanceof MeumApiError && error.isNotFound ? { kind: "dead" } : paid ? { kind: "completion_failed", error: message } : { kind: "check_failed", error: message }
  const recorded = await ledger.recordObservation({ invoiceId, providerId: row?.provider_id ?? input.provider_id ?? MEUM_PROVIDER_ID }, observation)
  if (recorded.changed && recorded.row.attention_reason === "completion_failing") {
    container
      .resolve(ContainerRegistrationKeys.LOGGER)
      .error(`Meum invoice ${invoiceId} is PAID but its order could not be placed after ${recorded.row.attempts} attempts (${message}): it needs the merchant (admin → Meum)`)
  }
}
