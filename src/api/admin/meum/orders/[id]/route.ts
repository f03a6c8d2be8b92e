/** GET /admin/meum/orders/:id — the Meum invoices behind an order (admin auth by Medusa). */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { meumSessionsOfOrder } from "./meum-sessions-of-order"
import { meumPaymentsOfOrder } from "./meum-payments-of-order"

export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  res.json({
    order_id: req.params.id,
    meum_sessions: await meumSessionsOfOrder(req.scope, req.params.id),
    // The Meum payments, their refunds and on-chain transactions (the admin's manual refund section).
    meum_payments: await meumPaymentsOfOrder(req.scope, req.params.id),
  })
}
