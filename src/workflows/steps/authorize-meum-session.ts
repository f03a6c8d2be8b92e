/**
 * Medusa's authorizePaymentSession for a paid invoice: the provider answers `captured`, so Medusa
 * creates the Payment and captures it at once. Idempotent in Medusa (an authorized session returns
 * its Payment). No compensation: Meum cannot refund, so an undone Payment would only hide money
 * that arrived; a failed completion later is retried by the ledger instead.
 */
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { Modules } from "@medusajs/framework/utils"

export const authorizeMeumSessionStep = createStep("authorize-meum-session", async ({ sessionId }: { sessionId: string }, { container }) => {
  const payment = (await container.resolve(Modules.PAYMENT).authorizePaymentSession(sessionId, {})) as { id: string; captured_at?: Date | string | null } | null
  return new StepResponse({ paymentId: payment?.id, captured: Boolean(payment?.captured_at) })
})
