/** Asks the ledger module's pure decision (src/modules/meum-ledger/decide.ts) once per run. */
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { decide, type Decision, type MerchantAction } from "../../modules/meum-ledger/decide"
import type { LocatedInvoice } from "./locate-meum-invoice"
import type { ReadInvoiceResult } from "./read-meum-invoice"
import type { LoadedFacts } from "./load-medusa-facts"

export interface DecideInput {
  located: LocatedInvoice
  read: ReadInvoiceResult
  facts: LoadedFacts
  force?: boolean
  now?: number
  merchant?: MerchantAction
}

export const decideReconciliationStep = createStep("decide-meum-reconciliation", async (input: DecideInput) => {
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
