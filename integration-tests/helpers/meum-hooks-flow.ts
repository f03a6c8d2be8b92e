/**
 * Steps shared by the suites that drive /hooks/meum: a cart with a Meum session whose
 * invoice.created has landed, and a payment at Meum whose webhooks are all lost.
 */
import type { MeumSandbox } from "../../src/sandbox"
import type { StoreFlow } from "./store-flow"

export async function cartWithOpenInvoice(flow: StoreFlow, sandbox: MeumSandbox, variantId: string, email?: string) {
  const cart = await flow.createCart(email)
  await flow.addItem(cart.id, variantId, 2)
  const session = await flow.startSession(cart.id, "pp_meum_meum")
  const invoiceId = String(session.data.invoice_id)
  // /hooks/meum acts on the re-fetched invoice, not on the event type: an invoice.created still in
  // flight when the test pays would legitimately place the order. Let it land first.
  await sandbox.waitForDeliveries(
    (all) => all.some((d) => d.invoice_id === invoiceId && d.event_type === "invoice.created" && d.status_code === 200),
    { timeoutMs: 30_000 }
  )
  return { cartId: cart.id, session, invoiceId }
}

/**
 * `count` carts as `cartWithOpenInvoice` makes them, prepared `concurrency` at a time (each with
 * its own email: Medusa creates a guest customer per new email), in order.
 */
export async function cartsWithOpenInvoices(flow: StoreFlow, sandbox: MeumSandbox, variantId: string, count: number, concurrency = 4) {
  const carts: Array<Awaited<ReturnType<typeof cartWithOpenInvoice>>> = []
  for (let first = 0; first < count; first += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, count - first) }, (_, i) =>
      cartWithOpenInvoice(flow, sandbox, variantId, `shopper-${first + i}@example.com`)
    )
    carts.push(...(await Promise.all(batch)))
  }
  return carts
}

/** Pays at Meum while every webhook is lost on the way. */
export async function payWithWebhooksLost(sandbox: MeumSandbox, invoiceId: string, outcome: "paid" | "underpaid" | "expired" = "paid") {
  sandbox.setFaults({ webhook_drop_rate: 1 })
  try {
    await sandbox.simulate(invoiceId, outcome)
  } finally {
    sandbox.resetFaults()
  }
}
