/**
 * How callers run the reconcile workflow. Two things the workflow cannot do for itself:
 * - a run whose decided action failed (the order was not placed) is an error to the caller, so the
 *   webhook route answers 5xx (Meum retries) and the job counts it — after the workflow recorded it;
 * - a run that threw half way (Meum or the database failing, a lock timeout) still moves the
 *   invoice's ledger row, through the ledger service: a 404 closes it, a paid invoice counts a
 *   failed completion, anything else backs off — so it never sits at the head of every job run.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MedusaError, Modules } from "@medusajs/framework/utils"
import { MeumApiError } from "../lib/meum/errors"
import { readStoredSessionData } from "../lib/session-data"
import { MEUM_PROVIDER_ID } from "../lib/provider-registry"
import { MEUM_LEDGER_MODULE } from "../modules/meum-ledger"
import type MeumLedgerService from "../modules/meum-ledger/service"
import type { Observation } from "../modules/meum-ledger/state-machine"
import { reconcileMeumSessionWorkflow, type ReconcileMeumSessionInput } from "./reconcile-meum-session"
import type { ReconcileOutcome } from "./reconcile-outcome"

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
