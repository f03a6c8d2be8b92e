/**
 * What the server knows about a payment collection before a Meum session is made for it: its
 * amount, its cart (completed? an order?), its sessions with their server-written statuses and
 * payments, and the ledger's states for that cart. Nothing here is read from session `data`
 * for a decision (the reuse check re-fetches the invoice itself).
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { MEUM_LEDGER_MODULE } from "../../modules/meum-ledger"
import type MeumLedgerService from "../../modules/meum-ledger/service"
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

/** Ledger states that block a new invoice; a `resolved` one (the merchant settled it) frees its held session. */
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
      "cart.order.status",
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
  const cart = collection.cart?.id ? { id: String(collection.cart.id), completed_at: collection.cart.completed_at ?? null, order_id: collection.cart.order?.id ?? null, order_status: collection.cart.order?.status ?? null } : null
  const sessions: CollectionSession[] = (collection.payment_sessions ?? []).filter(Boolean).map((s: any) => ({
    id: String(s.id),
    provider_id: String(s.provider_id),
    status: s.status ?? null,
    amount: s.amount,
    currency_code: s.currency_code ?? null,
    data: s.data ?? null,
    captured: Boolean(s.payment?.captured_at),
  }))
  // Invoices of this cart, of this collection, or held by one of its sessions: the ledger row of an
  // invoice whose metadata Meum dropped may carry only one of them.
  const sessionIds = sessions.map((session) => session.id)
  const ledger = container.resolve(MEUM_LEDGER_MODULE) as MeumLedgerService
  const [blocking, settled] = (await Promise.all([
    ledger.listMeumInvoices(
      {
        $or: [...(cart ? [{ cart_id: cart.id }] : []), { payment_collection_id: collectionId }, ...(sessionIds.length ? [{ payment_session_id: sessionIds }] : [])],
        state: BLOCKING_LEDGER_STATES,
      } as any,
      { select: ["state", "attention_reason"], take: 20 }
    ),
    sessionIds.length ? ledger.listMeumInvoices({ payment_session_id: sessionIds, state: ["resolved"] } as any, { select: ["payment_session_id"], take: 20 }) : [],
  ])) as [Array<{ state: string; attention_reason: string | null }>, Array<{ payment_session_id: string | null }>]
  return {
    id: String(collection.id),
    amount: collection.amount,
    currency_code: String(collection.currency_code ?? ""),
    cart,
    sessions,
    ledgerStates: blocking.map((row) => row.state),
    ledgerReasons: blocking.flatMap((row) => (row.attention_reason ? [row.attention_reason] : [])),
    settledSessionIds: settled.flatMap((row) => (row.payment_session_id ? [row.payment_session_id] : [])),
  }
}
