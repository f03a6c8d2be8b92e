/**
 * Runs around Medusa's `POST /store/payment-collections/:id/payment-sessions` for Meum providers:
 * once the route has answered, each new Meum invoice of the collection is recorded in the ledger
 * with what was asked — the session's amount and currency, which only the server writes. Decisions
 * read what was asked from there (session `data` is shopper-writable, and Meum may strip metadata).
 * It runs after the answer, off the shopper's wait; should the process die first, the
 * invoice.created webhook or the job records the invoice from Meum's metadata instead.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import type { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { toMeumAmount } from "../../lib/meum/invoice"
import { isMeumProviderId, readStoredSessionData } from "../../lib/provider-registry"
import { MEUM_LEDGER_MODULE } from "../../modules/meum-ledger"
import type MeumLedgerService from "../../modules/meum-ledger/service"
import { cartAndOrder } from "../../workflows/steps/reconcile-read-and-record"
import { collectionFactsOf } from "./request-collection-facts"

export function recordCreatedInvoice(req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction) {
  const providerId = (req.body as { provider_id?: unknown } | undefined)?.provider_id
  if (!isMeumProviderId(providerId)) return next()
  const collectionId = req.params.id
  res.on("finish", () => {
    if (res.statusCode !== 200) return
    // The guard read the collection's cart for this request; without it, it is read here.
    const known = collectionFactsOf(req, collectionId)
    recordInvoicesOf(req.scope, collectionId, known ? { cartId: known.cart?.id } : undefined).catch((error: Error) =>
      req.scope.resolve(ContainerRegistrationKeys.LOGGER).warn(`Meum: recording the new invoice of payment collection ${collectionId} failed (the webhook or the job records it): ${error.message}`)
    )
  })
  next()
}

async function recordInvoicesOf(container: MedusaContainer, collectionId: string, known?: { cartId?: string }): Promise<void> {
  const sessions = (await container.resolve(Modules.PAYMENT).listPaymentSessions({ payment_collection_id: collectionId })) as unknown as Array<{
    id: string
    provider_id: string
    amount: unknown
    currency_code: string
    data: Record<string, unknown>
  }>
  const ours = sessions.filter((session) => isMeumProviderId(session.provider_id) && readStoredSessionData(session.data))
  if (!ours.length) return
  const { cartId } = known ?? (await cartAndOrder(container, collectionId))
  const ledger = container.resolve(MEUM_LEDGER_MODULE) as MeumLedgerService
  for (const session of ours) {
    const stored = readStoredSessionData(session.data)!
    await ledger.recordCreatedInvoice({
      invoiceId: stored.invoice_id,
      providerId: session.provider_id,
      sessionId: session.id,
      paymentCollectionId: collectionId,
      ...(cartId ? { cartId } : {}),
      ...(stored.external_order_id ? { externalOrderId: stored.external_order_id } : {}),
      amount: toMeumAmount(session.amount, session.currency_code),
      currency: session.currency_code.toUpperCase(),
    })
  }
}
