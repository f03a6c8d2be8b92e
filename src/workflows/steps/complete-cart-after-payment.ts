/**
 * Completes the cart into an order once its payment is captured, the way core-flows'
 * processPaymentWorkflow does (Medusa does not export that step): through the workflow engine, so
 * completeCartWorkflow takes the cart lock itself. A failed completion is reported, not thrown:
 * the payment stays captured and the ledger counts the attempt.
 */
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { Modules } from "@medusajs/framework/utils"
import { completeCartWorkflowId } from "@medusajs/core-flows"

export const completeCartAfterMeumPaymentStep = createStep("complete-cart-after-meum-payment", async ({ cartId }: { cartId?: string }, { container }) => {
  if (!cartId) return new StepResponse<{ error?: string }>({})
  try {
    await container.resolve(Modules.WORKFLOW_ENGINE).run(completeCartWorkflowId, { input: { id: cartId } })
    return new StepResponse<{ error?: string }>({})
  } catch (error) {
    return new StepResponse<{ error?: string }>({ error: (error as Error)?.message ?? String(error) })
  }
})
