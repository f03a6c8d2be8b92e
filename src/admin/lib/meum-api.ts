// What the admin pages read and do, as TanStack Query hooks over the plugin's admin routes.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { sdk } from "./sdk"

export type LedgerAction = "recheck" | "accept_shortfall" | "reject_shortfall" | "mark_resolved"

export interface LedgerInvoice {
  id: string
  invoice_id: string
  provider_id: string
  payment_session_id: string | null
  cart_id: string | null
  order_id: string | null
  amount: string | null
  currency_code: string | null
  meum_status: string | null
  state: string
  attention_reason: string | null
  decision: string | null
  decision_note: string | null
  decided_by: string | null
  decided_at: string | null
  attempts: number
  last_error: string | null
  last_checked_at: string | null
  updated_at: string
  actions: LedgerAction[]
}

export interface LedgerPage {
  invoices: LedgerInvoice[]
  count: number
  limit: number
  offset: number
}

export interface Delivery {
  id: string
  event_type: string | null
  invoice_id: string | null
  provider_id?: string | null
  verdict: string
  outcome: string | null
  http_status: number | null
  created_at: string
}

export interface MeumHealth {
  webhook_url: string
  registrations: Array<{
    provider_id: string
    registration_id: string
    api_host: string
    order_first: boolean
    webhook_url_own: string
    ping: { ok: boolean; ms: number; error?: string }
    last_delivery: Delivery | null
  }>
  rejected: { since: string; total: number; by_reason: Array<{ reason: string; provider_id: string | null; count: number; last_at: string }> }
}

export interface OrderMeumSession {
  session_id: string
  session_status: string
  amount: number | string | null
  currency_code: string
  invoice: {
    id?: string
    status?: string
    reported_status?: string
    amount?: string
    currency?: string
    paid_amount?: string
    output_asset?: string
    transaction_hash?: string
    checkout_url?: string
    expires_at?: string
    paid_at?: string
    flag?: string
    decision?: string
    shortfall?: string
    last_checked_at?: string
  }
  ledger?: {
    state: string
    attention_reason: string | null
    attempts: number
    decision: string | null
    decision_note: string | null
    decided_by: string | null
    decided_at: string | null
    last_error: string | null
  }
}

export const meumKeys = {
  all: ["meum"] as const,
  health: () => [...meumKeys.all, "health"] as const,
  ledger: (query: { state: string; q: string; limit: number; offset: number }) => [...meumKeys.all, "ledger", query] as const,
  deliveries: () => [...meumKeys.all, "deliveries"] as const,
  order: (orderId: string) => [...meumKeys.all, "order", orderId] as const,
  user: (userId: string) => [...meumKeys.all, "user", userId] as const,
}

export const useMeumHealth = () => useQuery({ queryKey: meumKeys.health(), queryFn: () => sdk.client.fetch<MeumHealth>("/admin/meum/health"), retry: false })

export const useMeumLedger = (query: { state: string; q: string; limit: number; offset: number }) =>
  useQuery({
    queryKey: meumKeys.ledger(query),
    queryFn: () => sdk.client.fetch<LedgerPage>("/admin/meum/ledger", { query: { ...query, q: query.q || undefined } }),
    placeholderData: (previous) => previous,
    retry: false,
  })

export const useMeumDeliveries = () =>
  useQuery({ queryKey: meumKeys.deliveries(), queryFn: () => sdk.client.fetch<{ deliveries: Delivery[] }>("/admin/meum/deliveries"), retry: false })

export const useOrderMeum = (orderId: string) =>
  useQuery({
    queryKey: meumKeys.order(orderId),
    queryFn: () => sdk.client.fetch<{ meum_sessions: OrderMeumSession[] }>(`/admin/meum/orders/${encodeURIComponent(orderId)}`),
    retry: false,
  })

/** Who decided: the admin user's email when the id is a user's, else the id itself. */
export const useDecider = (actorId: string | null | undefined) =>
  useQuery({
    queryKey: meumKeys.user(actorId ?? ""),
    queryFn: async () => (await sdk.admin.user.retrieve(actorId!)).user.email,
    enabled: Boolean(actorId?.startsWith("user_")),
    retry: false,
    staleTime: Infinity,
  })

export interface ActionInput {
  action: LedgerAction
  sessionId?: string | null
  invoiceId: string
  note?: string
}

function runAction({ action, sessionId, invoiceId, note }: ActionInput): Promise<{ message?: string }> {
  switch (action) {
    case "recheck":
      return sdk.client.fetch(`/admin/meum/payment-sessions/${encodeURIComponent(sessionId ?? "")}/reconcile`, { method: "POST" })
    case "mark_resolved":
      return sdk.client.fetch(`/admin/meum/invoices/${encodeURIComponent(invoiceId)}/resolve`, { method: "POST", body: note ? { note } : {} })
    case "accept_shortfall":
    case "reject_shortfall":
      return sdk.client.fetch(`/admin/meum/payment-sessions/${encodeURIComponent(sessionId ?? "")}/underpaid`, {
        method: "POST",
        body: { decision: action === "accept_shortfall" ? "accept" : "reject", ...(note ? { note } : {}) },
      })
  }
}

/** A decision or re-check; every Meum view is read again afterwards. */
export const useMeumAction = () => {
  const client = useQueryClient()
  return useMutation({ mutationFn: runAction, onSettled: () => client.invalidateQueries({ queryKey: meumKeys.all }) })
}
