/**
 * The Meum payments of an order as the admin's refund section needs them: whether their
 * registration records manual refunds, what is captured, refunded and still refundable, and each
 * refund with the on-chain transaction the merchant recorded for it (refund metadata, else the
 * parseable note).
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MathBN } from "@medusajs/framework/utils"
import { explorerTxUrl } from "../../../../../lib/onchain-networks"
import { parseOnChainRefundNote } from "../../../../../lib/manual-refund-notes"
import { isMeumProviderId, meumRegistrationFor } from "../../../../../lib/provider-registry"

export interface MeumPaymentView {
  payment_id: string
  provider_id: string
  currency_code: string
  /** The registration's `refunds` option: only "manual" lets the admin record a refund. */
  refunds_mode: "manual" | "refuse" | "unknown"
  captured: number
  refunded: number
  refundable: number
  refunds: Array<{
    id: string
    amount: number
    created_at: unknown
    created_by: string | null
    reason: string | null
    note: string | null
    network: string | null
    transaction_hash: string | null
    explorer_url: string | null
  }>
}

const sum = (rows: Array<{ amount?: unknown }> | undefined) => (rows ?? []).reduce((total, row) => MathBN.add(total, (row.amount ?? 0) as number), MathBN.convert(0))

export async function meumPaymentsOfOrder(container: MedusaContainer, orderId: string): Promise<MeumPaymentView[]> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "order",
    fields: [
      "id",
      "payment_collections.payments.id",
      "payment_collections.payments.provider_id",
      "payment_collections.payments.currency_code",
      "payment_collections.payments.canceled_at",
      "payment_collections.payments.captures.amount",
      "payment_collections.payments.refunds.id",
      "payment_collections.payments.refunds.amount",
      "payment_collections.payments.refunds.note",
      "payment_collections.payments.refunds.metadata",
      "payment_collections.payments.refunds.created_at",
      "payment_collections.payments.refunds.created_by",
      "payment_collections.payments.refunds.refund_reason.label",
    ],
    filters: { id: orderId },
  })
  const order = data[0] as any
  if (!order) return []
  return (order.payment_collections ?? [])
    .flatMap((collection: any) => collection?.payments ?? [])
    .filter((payment: any) => isMeumProviderId(payment.provider_id))
    .map((payment: any): MeumPaymentView => {
      const captured = sum(payment.captures)
      const refunded = sum(payment.refunds)
      const remaining = MathBN.sub(captured, refunded)
      return {
        payment_id: payment.id,
        provider_id: payment.provider_id,
        currency_code: payment.currency_code,
        refunds_mode: meumRegistrationFor(container, payment.provider_id)?.options.refunds ?? "unknown",
        captured: MathBN.convert(captured).toNumber(),
        refunded: MathBN.convert(refunded).toNumber(),
        refundable: payment.canceled_at || MathBN.lte(remaining, 0) ? 0 : MathBN.convert(remaining).toNumber(),
        refunds: (payment.refunds ?? []).map((refund: any) => {
          const fromNote = parseOnChainRefundNote(refund.note)
          const network = refund.metadata?.meum_network ?? fromNote?.network ?? null
          const hash = refund.metadata?.meum_transaction_hash ?? fromNote?.transaction_hash ?? null
          return {
            id: refund.id,
            amount: MathBN.convert(refund.amount ?? 0).toNumber(),
            created_at: refund.created_at,
            created_by: refund.metadata?.meum_recorded_by ?? refund.created_by ?? null,
            reason: refund.refund_reason?.label ?? null,
            note: refund.note ?? null,
            network,
            transaction_hash: hash,
            explorer_url: explorerTxUrl(network, hash) ?? null,
          }
        }),
      }
    })
}
