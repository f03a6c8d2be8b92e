/**
 * Order-first: cancels the order of an invoice that died past its grace period. Medusa's
 * cancelOrderWorkflow releases the inventory reservations. It runs through the workflow engine and
 * its refusal (a fulfilled or completed order) is reported, not thrown: a refusal is an outcome the
 * ledger counts and hands to the merchant after N attempts, not a reason to fail the run.
 */
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { cancelOrderWorkflow } from "@medusajs/core-flows"

export const cancelOrderOfDeadInvoiceStep = createStep("cancel-order-of-dead-meum-invoice", async ({ orderId }: { orderId: string }, { container }) => {
  try {
    await cancelOrderWorkflow(container).run({ input: { order_id: orderId } })
    return new StepResponse<{ error?: string }>({})
  } catch (error) {
    return new StepResponse<{ error?: string }>({ error: (error as Error)?.message ?? String(error) })
  }
})
