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
 * Callers use runReconcileMeumSession (./run-reconcile-meum-session.ts), which also records a run
 * that failed half way.
 */
import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { MathBN } from "@medusajs/framework/utils"
import { acquireLockStep, capturePaymentWorkflow, releaseLockStep } from "@medusajs/core-flows"
import type { Invoice } from "../lib/meum/schemas"
import { locateMeumInvoiceStep } from "./steps/locate-meum-invoice"
import { readMeumInvoiceStep } from "./steps/read-meum-invoice"
import { loadMedusaFactsStep } from "./steps/load-medusa-facts"
import { decideReconciliationStep } from "./steps/decide-reconciliation"
import { adoptPaidInvoiceStep } from "./steps/adopt-paid-invoice"
import { authorizeMeumSessionStep } from "./steps/authorize-meum-session"
import { completeCartAfterMeumPaymentStep } from "./steps/complete-cart-after-payment"
import { cancelOrderOfDeadInvoiceStep } from "./steps/cancel-order-of-dead-invoice"
import { refreshSessionStatusStep } from "./steps/refresh-session-status"
import { recordReconciliationStep } from "./steps/record-reconciliation"
import { settleUnderpaymentStep } from "./steps/settle-underpayment"
import { cancelInvoiceAtMeumStep } from "./steps/cancel-invoice-at-meum"
import type { MerchantAction } from "../modules/meum-ledger/decide"

export type { ReconcileOutcome } from "./reconcile-outcome"

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
