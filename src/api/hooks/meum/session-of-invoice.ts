/**
 * The Medusa session of an invoice whose metadata came back without our session id (issue 18.7):
 * matched by what the store itself knows, never acknowledged and dropped. First the ledger row of
 * that invoice id (written by the server when the invoice was created); else the cart named by the
 * invoice's external_order_id (the cart id, or a suffixed form of it, see external-order-id.ts) →
 * its payment collection → the Meum session, of a registration on this registration's Meum account,
 * whose stored invoice_id is this invoice. What the session asked for is still checked against the
 * invoice downstream.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { orderReferenceOf } from "../../../lib/meum/external-order-id"
import type { Invoice } from "../../../lib/meum/schemas"
import { meumRegistrations, sameMeumAccount, type MeumRegistration } from "../../../lib/provider-registry"
import { readStoredSessionData } from "../../../lib/session-data"
import type { SessionIdFinder } from "../../../lib/webhook-action"
import { MEUM_LEDGER_MODULE } from "../../../modules/meum-ledger"
import type MeumLedgerService from "../../../modules/meum-ledger/service"
import { collectionOfCart } from "../../../workflows/steps/cart-and-order"

export function sessionIdFinder(container: MedusaContainer, registration: MeumRegistration): SessionIdFinder {
  return async (invoice: Invoice) => {
    const row = await (container.resolve(MEUM_LEDGER_MODULE) as MeumLedgerService).findInvoiceRow(invoice.id)
    if (row?.payment_session_id) return row.payment_session_id
    if (!invoice.external_order_id) return undefined
    const cartId = orderReferenceOf(invoice.external_order_id)
    const collectionId = await collectionOfCart(container, cartId)
    if (!collectionId) return undefined
    // Any registration on the same Meum account, not only the verifying one: the account fetched
    // this invoice, and two registrations of one account (e.g. per region) share its invoices; the
    // first that verifies the signature is not necessarily the one whose session holds it.
    const accountProviderIds = new Set([
      registration.providerId,
      ...meumRegistrations(container)
        .filter((other) => sameMeumAccount(other, registration))
        .map((other) => other.providerId),
    ])
    const sessions = (await container
      .resolve(Modules.PAYMENT)
      .listPaymentSessions({ payment_collection_id: collectionId })) as unknown as Array<{ id: string; provider_id: string; data: Record<string, unknown> }>
    return sessions.find(
      (session) => accountProviderIds.has(session.provider_id) && readStoredSessionData(session.data)?.invoice_id === invoice.id
    )?.id
  }
}
