/** POST /admin/meum/payment-sessions/:id/underpaid {decision: "accept" | "reject"} — the merchant's call. */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { z } from "zod"
import { decideUnderpaid } from "../../../../../../lib/reconcile/decide-underpaid"

const inputSchema = z.object({
  id: z.string().regex(/^payses_[A-Za-z0-9]+$/, "must be a payment session id"),
  decision: z.enum(["accept", "reject"]),
})

export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const parsed = inputSchema.safeParse({ id: req.params.id, decision: (req.body as { decision?: unknown } | undefined)?.decision })
  if (!parsed.success) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "))
  }
  res.json(await decideUnderpaid(req.scope, parsed.data.id, parsed.data.decision, req.auth_context?.actor_id))
}
