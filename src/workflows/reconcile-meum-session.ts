/**
 * The one reconcile workflow: brings a Meum payment session in line with its invoice. Used by
 * the webhook route (/hooks/meum), the scheduled job and the admin "Re-check now" action.
 * The step delegates to reconcileMeumSession, which runs Medusa's own workflows
 * (processPaymentWorkflow, cancelOrderWorkflow) for the state changes, so it needs no
 * compensation of its own.
 */
import { createStep, createWorkflow, StepResponse, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import type { MedusaContainer } from "@medusajs/framework/types"
import type { ReconcileOutcome } from "../lib/reconcile/reconcile-meum-session"
import { reconcileAndRecord } from "../lib/ledger/reconcile-and-record"

export interface ReconcileMeumSessionInput {
  session_id: string
  /** The invoice a webhook named: a paid invoice its session no longer holds may be adopted. */
  invoice_id?: string
  /** Epoch ms to judge the order-first grace period against (defaults to now). */
  now?: number
  /** Admin "Re-check now": act even on an invoice the ledger handed to the merchant. */
  force?: boolean
  /**
   * The Meum registration (pp_meum_<id>) the invoice belongs to, when the caller knows it (the
   * webhook's account, the ledger row): used for an invoice its session no longer holds. The
   * session's own invoice is always read through the session's provider.
   */
  provider_id?: string
}

export const reconcileMeumSessionStep = createStep(
  "reconcile-meum-session",
  async (input: ReconcileMeumSessionInput, { container }) => {
    const result = await reconcileAndRecord(container as unknown as MedusaContainer, input.session_id, {
      now: input.now === undefined ? undefined : () => input.now!,
      invoiceId: input.invoice_id,
      force: input.force,
      providerId: input.provider_id,
    })
    return new StepResponse<ReconcileOutcome>(result)
  }
)

export const reconcileMeumSessionWorkflowId = "reconcile-meum-session"

export const reconcileMeumSessionWorkflow = createWorkflow(
  reconcileMeumSessionWorkflowId,
  (input: ReconcileMeumSessionInput) => new WorkflowResponse(reconcileMeumSessionStep(input))
)
