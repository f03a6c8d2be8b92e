/** The Meum payment sessions behind an order, with the public invoice facts kept in their data. */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { isMeumProviderId } from "../../../../../lib/provider-registry"
import { MEUM_LEDGER_MODULE } from "../../../../../modules/meum-ledger"
import type MeumLedgerService from "../../../../../modules/meum-ledger/service"

export interface MeumSessionView {
  session_id: string
  session_status: string
  amount: unknown
  currency_code: string
  invoice: {
    id?: unknown
    status?: unknown
    /** Meum's own status when it is not one the docs list (status is then "unknown"). */
    reported_status?: unknown
    amount?: unknown
    currency?: unknown
    paid_amount?: unknown
    output_asset?: unknown
    transaction_hash?: unknown
    checkout_url?: unknown
    expires_at?: unknown
    paid_at?: unknown
    flag?: unknown
    decision?: unknown
    shortfall?: unknown
    last_checked_at?: unknown
  }
  /** What the plugin's ledger knows about this invoice (the source of truth). */
  ledger?: {
    state: string
    attention_reason: string | null
    attempts: number
    decision: string | null
    decision_note: string | null
    decided_by: string | null
    decided_at: unknown
    last_error: string | null
    /** Meum's transactions of the invoice as last read (null: not read yet), and when. */
    transactions: unknown
    transactions_read_at: unknown
  }
}

const VISIBLE = ["invoice_id", "status", "reported_status", "amount", "currency", "paid_amount", "output_asset", "transaction_hash", "checkout_url", "expires_at", "paid_at", "meum_flag", "meum_underpaid_decision", "meum_shortfall", "last_checked_at"] as const

export async function meumSessionsOfOrder(container: MedusaContainer, orderId: string): Promise<MeumSessionView[]> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "order",
    fields: [
      "id",
      "payment_collections.payment_sessions.id",
      "payment_collections.payment_sessions.status",
      "payment_collections.payment_sessions.provider_id",
      "payment_collections.payment_sessions.amount",
      "payment_collections.payment_sessions.currency_code",
      "payment_collections.payment_sessions.data",
    ],
    filters: { id: orderId },
  })
  const order = data[0] as any
  if (!order) return []
  const sessions = (order.payment_collections ?? [])
    .flatMap((collection: any) => collection?.payment_sessions ?? [])
    .filter((session: any) => isMeumProviderId(session.provider_id))
  const invoiceIds = sessions.map((session: any) => session.data?.invoice_id).filter((id: unknown): id is string => typeof id === "string")
  const ledgerRows = invoiceIds.length ? ((await (container.resolve(MEUM_LEDGER_MODULE) as MeumLedgerService).listMeumInvoices({ invoice_id: invoiceIds })) as any[]) : []
  const ledgerOfInvoice = new Map(ledgerRows.map((row) => [row.invoice_id, row]))
  return sessions
    .map((session: any) => {
      const row = ledgerOfInvoice.get(session.data?.invoice_id)
      const stored = (session.data ?? {}) as Record<string, unknown>
      const picked = Object.fromEntries(VISIBLE.map((key) => [key, stored[key]]))
      return {
        session_id: session.id,
        session_status: session.status,
        amount: session.amount,
        currency_code: session.currency_code,
        invoice: {
          id: picked.invoice_id,
          status: picked.status,
          reported_status: picked.reported_status,
          amount: picked.amount,
          currency: picked.currency,
          paid_amount: picked.paid_amount,
          output_asset: picked.output_asset,
          transaction_hash: picked.transaction_hash,
          checkout_url: picked.checkout_url,
          expires_at: picked.expires_at,
          paid_at: picked.paid_at,
          flag: picked.meum_flag,
          decision: picked.meum_underpaid_decision,
          shortfall: picked.meum_shortfall,
          last_checked_at: picked.last_checked_at,
        },
        ...(row
          ? {
              ledger: {
                state: row.state,
                attention_reason: row.attention_reason,
                attempts: row.attempts,
                decision: row.decision,
                decision_note: row.decision_note ?? null,
                decided_by: row.decided_by,
                decided_at: row.decided_at,
                last_error: row.last_error,
                transactions: row.transactions ?? null,
                transactions_read_at: row.transactions_read_at ?? null,
              },
            }
          : {}),
      }
    })
}
