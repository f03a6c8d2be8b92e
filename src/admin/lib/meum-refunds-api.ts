// The order's Meum payments and their refunds (the order route's `meum_payments`), and recording a
// refund the merchant sent on-chain. Same query as useOrderMeum: one request serves the widget.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { sdk } from "./sdk"
import { meumKeys, type OrderMeumSession } from "./meum-api"

export interface OrderMeumRefund {
  id: string
  amount: number
  created_at: string | null
  created_by: string | null
  reason: string | null
  note: string | null
  network: string | null
  transaction_hash: string | null
  explorer_url: string | null
}

export interface OrderMeumPayment {
  payment_id: string
  provider_id: string
  currency_code: string
  refunds_mode: "manual" | "refuse" | "unknown"
  captured: number
  refunded: number
  refundable: number
  refunds: OrderMeumRefund[]
}

interface OrderMeumWithPayments {
  meum_sessions: OrderMeumSession[]
  meum_payments?: OrderMeumPayment[]
}

export const useOrderMeumPayments = (orderId: string) =>
  useQuery({
    queryKey: meumKeys.order(orderId),
    queryFn: () => sdk.client.fetch<OrderMeumWithPayments>(`/admin/meum/orders/${encodeURIComponent(orderId)}`),
    retry: false,
  })

export interface ManualRefundInput {
  paymentId: string
  amount: number
  network: string
  transaction_hash: string
  note?: string
}

export interface ManualRefundAnswer {
  replayed: boolean
  refund: { id: string; amount: number; network: string; transaction_hash: string; explorer_url: string | null }
}

/** Records the refund; Medusa's own order queries (payments, refunded total) are read again too. */
export const useRecordManualRefund = () => {
  const client = useQueryClient()
  return useMutation({
    mutationFn: ({ paymentId, ...body }: ManualRefundInput) =>
      sdk.client.fetch<ManualRefundAnswer>(`/admin/meum/payments/${encodeURIComponent(paymentId)}/manual-refund`, { method: "POST", body }),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: meumKeys.all })
      void client.invalidateQueries({ predicate: (query) => query.queryKey[0] === "orders" || query.queryKey[0] === "payments" })
    },
  })
}
