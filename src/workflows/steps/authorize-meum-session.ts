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
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { MathBN, Modules } from "@medusajs/framework/utils"

export interface AuthorizedMeumPayment {
  paymentId?: string
  captured: boolean
  /** The session had no Payment before this run. */
  fresh: boolean
  /** What the Payment's captures add up to, as a decimal string. */
  capturedAmount: string
}

export const authorizeMeumSessionStep = createStep("authorize-meum-session", async ({ sessionId }: { sessionId: string }, { container }) => {
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
