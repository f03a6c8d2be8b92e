/** POST /admin/meum/payment-sessions/:id/reconcile — "Re-check now": reconcile one session on demand. */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError, Modules } from "@medusajs/framework/utils"
import { z } from "zod"
import { runReconcileMeumSession } from "../../../../../../workflows/reconcile-meum-session"

const paramsSchema = z.object({ id: z.string().regex(/^payses_[A-Za-z0-9]+$/, "must be a payment session id") })

export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const params = paramsSchema.safeParse(req.params)
  if (!params.success) throw new MedusaError(MedusaError.Types.INVALID_DATA, params.error.issues[0].message)
  const result = await runReconcileMeumSession(req.scope, { session_id: params.data.id, force: true })
  if (result.outcome === "skipped") throw new MedusaError(MedusaError.Types.NOT_FOUND, `Not a Meum payment session: ${result.reason}`)
  const payment = req.scope.resolve(Modules.PAYMENT)
  const [session] = await payment.listPaymentSessions({ id: params.data.id })
  res.json({ result, session_status: session?.status })
}
