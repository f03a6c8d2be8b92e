/**
 * What the server knows about a payment collection before a Meum session is made for it: its
 * amount, its cart (completed? an order?), its sessions with their server-written statuses and
 * payments, and the ledger's states for that cart. Nothing here is read from session `data`
 * for a decision (the reuse check re-fetches the invoice itself).
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { ledgerOf } from "../../lib/ledger/ledger"
import type { SessionGuardFacts } from "../../lib/session-guard"

export interface CollectionSession {
  id: string
  provider_id: string
  status?: string | null
  amount?: unknown
  currency_code?: string | null
  data?: Record<string, unknown> | null
  captured?: boolean
}

export interface CollectionFacts extends SessionGuardFacts {
  id: string
  amount: unknown
  currency_code: string
  sessions: CollectionSession[]
}

/** Ledger states that block a new invoice (the rest never do): read only these rows. */
const BLOCKING_LEDGER_STATES = ["paid", "completed", "needs_attention"]

export async function loadCollectionFacts(container: MedusaContainer, collectionId: string): Promise<CollectionFacts | undefined> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "payment_collection",
    fields: [
      "id",
      "amount",
      "currency_code",
      "cart.id",
      "cart.completed_at",
      "cart.order.id",
      "payment_sessions.id",
      "payment_sessions.provider_id",
      "payment_sessions.status",
      "payment_sessions.amount",
      "payment_sessions.currency_code",
      "payment_sessions.data",
      "payment_sessions.payment.id",
      "payment_sessions.payment.captured_at",
    ],
    filters: { id: collectionId },
  })
  const collection = data[0] as any
  if (!collection) return undefined
  const cart = collection.cart?.id ? { id: String(collection.cart.id), completed_at: collection.cart.completed_at ?? null, order_id: collection.cart.order?.id ?? null } : null
  const sessions: CollectionSession[] = (collection.payment_sessions ?? []).filter(Boolean).map((s: any) => ({
    id: String(s.id),
    provider_id: String(s.provider_id),
    status: s.status ?? null,
    amount: s.amount,
    currency_code: s.currency_code ?? null,
    data: s.data ?? null,
    captured: Boolean(s.payment?.captured_at),
  }))
  // Invoices of this cart, or of this collection when it has no cart (the ledger writes both).
  const rows = (await ledgerOf(container).listMeumInvoices(
    { ...(cart ? { cart_id: cart.id } : { payment_collection_id: collectionId }), state: BLOCKING_LEDGER_STATES } as any,
    { select: ["state"], take: 20 }
  )) as Array<{ state: string }>
  return {
    id: String(collection.id),
    amount: collection.amount,
    currency_code: String(collection.currency_code ?? ""),
    cart,
    sessions,
    ledgerStates: rows.map((row) => row.state),
  }
}
