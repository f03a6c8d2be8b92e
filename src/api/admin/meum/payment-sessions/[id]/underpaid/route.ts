/**
 * POST /admin/meum/payment-sessions/:id/underpaid {decision: "accept" | "reject", note?} — the
 * merchant's call on an underpaid invoice, carried out by the reconcile workflow (under the
 * collection's lock, once: a second click is refused, a half-done one resumes) and recorded with
 * who, when and the note.
 */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { z } from "zod"
import { runReconcileMeumSession } from "../../../../../../workflows/reconcile-meum-session"

const inputSchema = z.object({
  id: z.string().regex(/^payses_[A-Za-z0-9]+$/, "must be a payment session id"),
  decision: z.enum(["accept", "reject"]),
  note: z.string().trim().max(500).optional(),
})

export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const body = (req.body ?? {}) as { decision?: unknown; note?: unknown }
  const parsed = inputSchema.safeParse({ id: req.params.id, decision: body.decision, note: body.note })
  if (!parsed.success) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "))
  }
  const { id, decision, note } = parsed.data
  const outcome = await runReconcileMeumSession(req.scope, {
    session_id: id,
    force: true,
    merchant: { action: decision === "accept" ? "accept_underpaid" : "reject_underpaid", by: req.auth_context?.actor_id, ...(note ? { note } : {}) },
  })
  if (outcome.outcome !== "decided") throw new MedusaError(MedusaError.Types.NOT_FOUND, `No underpaid Meum payment session ${id}${"reason" in outcome ? `: ${outcome.reason}` : ""}`)
  const amount = `${outcome.paidAmount} ${outcome.currency}`
  const refund = `Meum has no refund API: refund the shopper's ${amount} outside Medusa.`
  res.json({
    decision,
    paid_amount: outcome.paidAmount,
    shortfall: outcome.shortfall,
    order_id: outcome.orderId,
    message:
      decision === "accept"
        ? `Accepted ${amount}; the shortfall of ${outcome.shortfall} ${outcome.currency} stays outstanding on the order.`
        : outcome.orderKeptBecause
          ? `Rejected. Order ${outcome.orderId} was NOT cancelled: ${outcome.orderKeptBecause}. ${refund}`
          : `Rejected. ${refund}`,
  })
}
