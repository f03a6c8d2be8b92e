/** A paid Meum order for the refund suites: its order, payment collection, Meum payment and refunds. */
import type { AxiosInstance } from "axios"
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import type { SeededStore } from "./seed-store"
import { storeFlow } from "./store-flow"
import { ordersForCart } from "./medusa-state"
import type { SandboxEnv } from "./meum-sandbox-env"
import { cartWithOpenInvoice } from "./meum-hooks-flow"

/** The order's Meum payment: id and captured amount. */
async function paymentOfOrder(container: MedusaContainer, orderId: string) {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "order",
    fields: ["payment_collections.id", "payment_collections.payments.id", "payment_collections.payments.captures.amount"],
    filters: { id: orderId },
  })
  const collection = (data[0] as any).payment_collections[0]
  const payment = collection.payments[0]
  return { paymentId: payment.id as string, collectionId: collection.id as string, captured: Number(payment.captures[0].amount) }
}

export const refundsOf = async (container: MedusaContainer, paymentId: string) =>
  (await container.resolve(Modules.PAYMENT).listRefunds({ payment_id: paymentId }, { relations: ["refund_reason"] })) as any[]

/** A cart paid at Meum (its invoice.paid answered by /hooks/meum): its order and Meum payment. */
export async function paidOrder(api: AxiosInstance, container: MedusaContainer, seed: SeededStore, sandboxEnv: SandboxEnv) {
  const flow = storeFlow(api, seed.publishableKey, seed.regionId)
  const { cartId, invoiceId } = await cartWithOpenInvoice(flow, sandboxEnv.sandbox(), seed.variantId)
  await sandboxEnv.sandbox().simulate(invoiceId, "paid")
  await sandboxEnv
    .sandbox()
    .waitForDeliveries((all) => all.some((d) => d.invoice_id === invoiceId && d.event_type === "invoice.paid" && d.status_code === 200), { timeoutMs: 60_000 })
  const [orderId] = await ordersForCart(container, cartId)
  if (!orderId) throw new Error(`no order for the paid cart ${cartId}`)
  return { orderId, ...(await paymentOfOrder(container, orderId)) }
}

