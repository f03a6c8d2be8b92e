/**
 * Stores the status table's answer on the session: Medusa's authorizePaymentSession asks the
 * provider (which reads the invoice) and stores what it says; for anything but authorized or
 * captured it then throws NOT_ALLOWED — expected here.
 */
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { MedusaError, Modules } from "@medusajs/framework/utils"

export const refreshSessionStatusStep = createStep("refresh-meum-session-status", async ({ sessionId }: { sessionId: string }, { container }) => {
  const payment = container.resolve(Modules.PAYMENT)
  try {
    await payment.authorizePaymentSession(sessionId, {})
  } catch (error) {
    if (!(error instanceof MedusaError && error.type === MedusaError.Types.NOT_ALLOWED)) throw error
  }
  const [session] = (await payment.listPaymentSessions({ id: sessionId }, { select: ["id", "status"] })) as Array<{ status: string }>
  return new StepResponse({ sessionStatus: session?.status })
})
