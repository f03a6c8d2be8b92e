/**
 * Has an order's money arrived? Asked before the plugin cancels an order-first order whose invoice
 * died: a captured payment on the order (Medusa), or a paid invoice of its cart in the ledger (the
 * ledger service's rule) — server-side facts only. Meum's own list is not asked here: the job
 * settles paid invoices first, before it reaches the due list, so a paid invoice is in the ledger by then.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { MEUM_LEDGER_MODULE } from "../../modules/meum-ledger"
import type MeumLedgerService from "../../modules/meum-ledger/service"

/** Why the order must not be cancelled, or undefined when no money of it is known. */
export async function moneyArrivedFor(
  container: MedusaContainer,
  orderId: string,
  cartId: string | undefined,
  /** An invoice not to count (the underpaid one a merchant is refusing). */
  exceptInvoiceId?: string
): Promise<string | undefined> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "order",
    fields: [
      "id",
      "payment_collections.payments.id",
      "payment_collections.payments.captured_at",
      "payment_collections.payments.captures.id",
      "payment_collections.payment_sessions.id",
    ],
    filters: { id: orderId },
  })
  type PaymentRow = { id: string; captured_at?: Date | string | null; captures?: Array<{ id: string } | null> | null }
  const collections = (data[0] as { payment_collections?: Array<{ payments?: PaymentRow[] | null; payment_sessions?: Array<{ id: string } | null> | null } | null> } | undefined)
    ?.payment_collections ?? []
  const payments = collections.flatMap((collection) => collection?.payments ?? [])
  const captured = payments.find((payment) => payment?.captured_at || payment?.captures?.some(Boolean))
  if (captured) return `it holds captured payment ${captured.id}`

  const sessionIds = collections.flatMap((collection) => collection?.payment_sessions ?? []).flatMap((session) => (session?.id ? [session.id] : []))
  const paid = await (container.resolve(MEUM_LEDGER_MODULE) as MeumLedgerService).findPaidInvoiceOf({ orderId, cartId, sessionIds }, exceptInvoiceId)
  return paid ? `Meum invoice ${paid.invoice_id} of its cart is ${paid.state === "needs_attention" ? `paid (${paid.attention_reason})` : paid.state}` : undefined
}
