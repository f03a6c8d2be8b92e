/**
 * Runs before Medusa's `POST /store/payment-collections/:id/payment-sessions` for Meum providers,
 * BEFORE any Meum call (issue 18, points 2 and 3):
 * 1. a collection whose cart is completed / has an order / holds money → 400 "already paid" or
 *    "being reviewed" (never a second invoice for the same order);
 * 2. an unchanged amount whose invoice is still payable at Meum → answered here with the payment
 *    collection, as Medusa's route would, nothing created or cancelled;
 * 3. otherwise one unit of the cart's invoice budget is spent; over budget → 429 to this cart only.
 * Every fact comes from the server (database, ledger, Meum), never from session `data`.
 */
import type { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { refetchEntity } from "@medusajs/framework/http"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { isMeumProviderId, meumRegistrationFor } from "../../lib/provider-registry"
import { sessionGuardVerdict } from "../../lib/session-guard"
import { SESSION_REFUSAL_CODES, SHOPPER_MESSAGES } from "../../lib/medusa-errors"
import { spendInvoiceBudget } from "./invoice-budget"
import { loadCollectionFacts } from "./meum-session-facts"
import { keepCollectionFacts } from "./request-collection-facts"
import { inspectSessionInvoices } from "./session-invoices"

/** Medusa's defaults for this route (store/payment-collections/query-config.js). */
const DEFAULT_COLLECTION_FIELDS = ["id", "currency_code", "amount", "*payment_sessions"]

type Body = { provider_id?: unknown; data?: unknown }

/** Each refusal's shopper message and code (medusa-errors.ts). */
const REFUSAL_KEYS = { paid: "alreadyPaid", under_review: "underReview", refund_pending: "refundPending", order_canceled: "orderCanceled" } as const

export async function guardMeumPaymentSession(req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction) {
  try {
    const body = (req.body ?? {}) as Body
    if (!isMeumProviderId(body.provider_id)) return next()
    const provider = meumRegistrationFor(req.scope, body.provider_id)
    // Unknown registrations are resolveCartReference's to refuse.
    if (!provider) return next()
    const facts = await loadCollectionFacts(req.scope, req.params.id)
    if (!facts) return next()
    keepCollectionFacts(req, facts)
    const logger = req.scope.resolve(ContainerRegistrationKeys.LOGGER)

    const refuse = (verdict: { kind: keyof typeof REFUSAL_KEYS; why: string }) => {
      logger.info(`Meum: no new invoice for payment collection ${facts.id}: ${verdict.why}`)
      const key = REFUSAL_KEYS[verdict.kind]
      return new MedusaError(MedusaError.Types.NOT_ALLOWED, SHOPPER_MESSAGES[key], SESSION_REFUSAL_CODES[key])
    }
    const verdict = sessionGuardVerdict(facts)
    if (verdict.kind !== "allow") throw refuse(verdict)

    const sent = body.data && typeof body.data === "object" ? (body.data as Record<string, unknown>) : {}
    const finding = await inspectSessionInvoices(req.scope, facts, { providerId: provider.providerId, returnUrl: sent.return_url })
    if (finding.kind === "paid" || finding.kind === "under_review") throw refuse(finding)
    if (finding.kind === "reuse") {
      const fields = (req as { queryConfig?: { fields?: string[] } }).queryConfig?.fields ?? DEFAULT_COLLECTION_FIELDS
      const payment_collection = await refetchEntity({ entity: "payment_collection", idOrFilter: facts.id, scope: req.scope, fields })
      res.status(200).json({ payment_collection })
      return
    }

    const budget = await spendInvoiceBudget(req.scope, facts.cart?.id ?? facts.id, provider.options)
    if (!budget.allowed) {
      logger.warn(`Meum: cart ${facts.cart?.id ?? facts.id} asked for invoice ${budget.count} within its budget window: refused (maxInvoicesPerCart)`)
      res.setHeader("Retry-After", String(budget.retryAfterSeconds))
      res.status(429).json({ type: MedusaError.Types.NOT_ALLOWED, code: SESSION_REFUSAL_CODES.cartBudget, message: SHOPPER_MESSAGES.cartBudget })
      return
    }
    next()
  } catch (error) {
    next(error)
  }
}
