/**
 * Benchmark 4: 1,000 paid invoices whose webhooks arrive at once. Each cart gets a Meum session
 * through the store API; the sandbox holds its webhooks (`webhook_hold`) while every invoice is
 * paid, then releases them together: 1,000 concurrent signed `invoice.paid` deliveries to
 * /hooks/meum (plus the held `invoice.created` ones, which change nothing). Sandbox retries stay
 * on, as at Meum; the reconcile job is off, so only webhooks can place orders.
 *
 * Counted from the database: orders created for these carts, carts left without an order (lost),
 * and carts with more than one order (duplicated). Time to the last order is from the release.
 */
import axios from "axios"
import http from "node:http"
import { BENCH_WEBHOOK_MAX_ATTEMPTS, type BenchStore } from "./lib/medusa-store"
import { msSince, type Row } from "./lib/report"

export interface BurstResult {
  rows: Row[]
  detail: {
    invoices: number
    setupSeconds: number
    firstAttemptStatuses: Record<string, number>
    retriedDeliveries: number
    attempts: number
  }
}

async function inParallel<T>(count: number, concurrency: number, run: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count)
  let next = 0
  const worker = async () => {
    while (next < count) {
      const index = next++
      results[index] = await run(index)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return results
}

async function orderCounts(store: BenchStore, cartIds: string[]) {
  const { rows } = await store.db.query<{ cart_id: string; orders: string }>(
    "SELECT cart_id, count(*) AS orders FROM order_cart WHERE cart_id = ANY($1) AND deleted_at IS NULL GROUP BY cart_id",
    [cartIds]
  )
  const withOrder = rows.length
  const duplicated = rows.filter((row) => Number(row.orders) > 1).length
  const orders = rows.reduce((sum, row) => sum + Number(row.orders), 0)
  return { withOrder, duplicated, orders }
}

export async function benchWebhookBurst(store: BenchStore, invoices: number): Promise<BurstResult> {
  const agent = new http.Agent({ keepAlive: true })
  // Setup goes to both servers (the store's and a helper on the same database), so both cores work.
  const apis = [store.url, store.helperUrl].map((baseURL) => axios.create({ baseURL, httpAgent: agent }))
  const { sandbox } = store

  sandbox.setFaults({ webhook_hold: true })
  const setupStart = process.hrtime.bigint()
  const headers = { "x-publishable-api-key": store.seed.publishableKey }
  // Setup is not measured: the fewest store calls that give a cart with a Meum session.
  const sessions = await inParallel(invoices, 6, async (index) => {
    const api = apis[index % apis.length]
    const { data } = await api.post(
      "/store/carts",
      { region_id: store.seed.regionId, email: `burst-${index}@example.com`, items: [{ variant_id: store.seed.variantId, quantity: 1 }] },
      { headers }
    )
    const cartId: string = data.cart.id
    const collection = await api.post("/store/payment-collections", { cart_id: cartId }, { headers })
    const session = await api.post(
      `/store/payment-collections/${collection.data.payment_collection.id}/payment-sessions`,
      { provider_id: "pp_meum_meum" },
      { headers }
    )
    return { cartId, invoiceId: session.data.payment_collection.payment_sessions[0].data.invoice_id as string }
  })
  for (const { invoiceId } of sessions) await sandbox.simulate(invoiceId, "paid")
  const setupSeconds = msSince(setupStart) / 1000
  await store.stopHelper()
  const cartIds = sessions.map((s) => s.cartId)
  const invoiceIds = new Set(sessions.map((s) => s.invoiceId))

  const paidEventSettled = (all: ReturnType<typeof sandbox.deliveries>) => {
    // Per invoice: delivered (2xx), or its last attempt failed for good (retries exhausted).
    const settled = new Set<string>()
    const lastFailure = new Map<string, number>()
    for (const d of all) {
      if (d.event_type !== "invoice.paid" || !invoiceIds.has(d.invoice_id)) continue
      if (d.status_code !== null && d.status_code >= 200 && d.status_code < 300) settled.add(d.invoice_id)
      else lastFailure.set(d.invoice_id, Math.max(lastFailure.get(d.invoice_id) ?? 0, d.attempt_number))
    }
    return { settled, lastFailure }
  }

  const release = process.hrtime.bigint()
  const releasedAt = Date.now()
  const done = sandbox.waitForDeliveries(
    (all) => {
      const { settled, lastFailure } = paidEventSettled(all)
      let finished = settled.size
      for (const [invoiceId, attempt] of lastFailure) if (!settled.has(invoiceId) && attempt >= BENCH_WEBHOOK_MAX_ATTEMPTS) finished++
      return finished >= invoices
    },
    { timeoutMs: 300_000 }
  )
  sandbox.setFaults({ webhook_hold: false })
  const deliveries = await done
  const timeToLastDelivery = msSince(release)

  // A 202 {queued} answer means the store finishes the work after answering: watch the orders
  // land, until every cart has one or none has landed for 30 s.
  let counts = await orderCounts(store, cartIds)
  let lastProgress = Date.now()
  while (counts.withOrder < invoices && Date.now() - lastProgress < 30_000) {
    await new Promise((resolve) => setTimeout(resolve, 250))
    const next = await orderCounts(store, cartIds)
    if (next.orders !== counts.orders) lastProgress = Date.now()
    counts = next
  }
  // The last order's creation time (same machine, same wall clock as the release).
  const { rows: lastRows } = await store.db.query<{ last: Date | null }>(
    `SELECT max(o.created_at) AS last FROM "order" o JOIN order_cart oc ON oc.order_id = o.id WHERE oc.cart_id = ANY($1)`,
    [cartIds]
  )
  const timeToLastOrder = lastRows[0]?.last ? lastRows[0].last.getTime() - releasedAt : NaN

  const paid = deliveries.filter((d) => d.event_type === "invoice.paid" && invoiceIds.has(d.invoice_id))
  const firstAttemptStatuses: Record<string, number> = {}
  for (const d of paid.filter((d) => d.attempt_number === 1)) {
    const key = d.status_code === null ? (d.error ?? "error") : String(d.status_code)
    firstAttemptStatuses[key] = (firstAttemptStatuses[key] ?? 0) + 1
  }
  const lost = invoices - counts.withOrder
  const pass = counts.withOrder === invoices && lost === 0 && counts.duplicated === 0 && counts.orders === invoices
  return {
    rows: [
      {
        name: `4. ${invoices} concurrent paid webhooks: orders / lost / duplicated`,
        measured: `${counts.orders} / ${lost} / ${counts.duplicated}`,
        baseline: `${invoices} paid invoices`,
        ratio: counts.orders / invoices,
        target: `${invoices} / 0 / 0`,
        pass,
      },
      {
        name: `4. time to the last order after the burst`,
        measured: `${(timeToLastOrder / 1000).toFixed(1)} s (${(counts.orders / (timeToLastOrder / 1000)).toFixed(1)} orders/s)`,
        baseline: `every delivery answered by ${(timeToLastDelivery / 1000).toFixed(1)} s`,
        ratio: NaN,
        target: "(reported)",
        pass: true,
      },
    ],
    detail: {
      invoices,
      setupSeconds,
      firstAttemptStatuses,
      retriedDeliveries: paid.filter((d) => d.attempt_number > 1).length,
      attempts: paid.length,
    },
  }
}
