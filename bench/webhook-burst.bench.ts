/**
 * Benchmark 4: 1,000 paid invoices whose webhooks arrive at once, on the store's layout (one
 * process, or the cluster); baseline: the same store completing carts of Medusa's pp_system_default
 * 1, 2, 4 and 8 at a time (100 carts each), the best of the four (all at once, Medusa's own checkout
 * collapses on 2 cores: lock and pool timeouts, so that ratio meant nothing). Each cart gets a Meum session
 * through the store API; the sandbox holds its webhooks (`webhook_hold`) while every invoice is
 * paid, then releases them together: 1,000 concurrent signed `invoice.paid` deliveries to
 * /hooks/meum (plus the held `invoice.created` ones, which change nothing). Sandbox retries stay
 * on, as at Meum; the reconcile job is off, so only webhooks can place orders.
 *
 * Counted from the database: orders created for these carts, carts left without an order (lost),
 * and carts with more than one order (duplicated). Time to the last order is from the release.
 */
import axios from "axios"
import { createCartsWithSession, inParallel } from "./lib/meum-carts"
import { BENCH_WEBHOOK_MAX_ATTEMPTS, type BenchStore } from "./lib/medusa-store"
import { msSince, type Row } from "./lib/report"
import { storeAgent } from "./lib/store-agent"

export interface BurstResult {
  rows: Row[]
  detail: {
    invoices: number
    setupSeconds: number
    firstAttemptStatuses: Record<string, number>
    retriedDeliveries: number
    attempts: number
    timeToLastOrderSeconds: number
    baselines: Array<{ concurrency: number; carts: number; seconds: number; orders: number; failed: number; ordersPerSecond: number }>
  }
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

/** Concurrencies the pp_system_default baseline is measured at; the best one is the baseline. */
export const BASELINE_CONCURRENCIES = [1, 2, 4, 8]

/**
 * Medusa's own checkout at a given concurrency: these pp_system_default carts completed `concurrency`
 * at a time (all at once collapses on 2 cores: lock and pool timeouts), orders ÷ time to the last.
 */
async function systemBaseline(store: BenchStore, sessions: Array<{ cartId: string }>, concurrency: number) {
  const agent = storeAgent({ maxSockets: Infinity })
  const api = axios.create({ baseURL: store.url, httpAgent: agent, validateStatus: () => true })
  const headers = { "x-publishable-api-key": store.seed.publishableKey }
  const start = process.hrtime.bigint()
  const answers = await inParallel(sessions.length, concurrency, (i) => api.post(`/store/carts/${sessions[i].cartId}/complete`, {}, { headers }))
  const seconds = msSince(start) / 1000
  agent.destroy()
  const counts = await orderCounts(store, sessions.map((s) => s.cartId))
  const failed = answers.filter((a) => a.status !== 200 || a.data.type !== "order").length
  return { concurrency, carts: sessions.length, seconds, orders: counts.orders, failed, ordersPerSecond: counts.orders / seconds }
}

export async function benchWebhookBurst(store: BenchStore, invoices: number, baselineCartsPerLevel = Math.min(invoices, 100)): Promise<BurstResult> {
  const { sandbox } = store
  const baselineCarts = await createCartsWithSession(store, baselineCartsPerLevel * BASELINE_CONCURRENCIES.length, "baseline", "pp_system_default")

  sandbox.setFaults({ webhook_hold: true })
  const setupStart = process.hrtime.bigint()
  // Setup is not measured: the fewest store calls that give a cart with a Meum session.
  const sessions = (await createCartsWithSession(store, invoices, "burst", "pp_meum_meum")).map((s) => ({ cartId: s.cartId, invoiceId: s.invoiceId! }))
  for (const { invoiceId } of sessions) await sandbox.simulate(invoiceId, "paid")
  const setupSeconds = msSince(setupStart) / 1000
  await store.stopHelper()
  // Measured on the same processes as the burst, before it (every Meum webhook is still held).
  const baselines = []
  for (const [level, concurrency] of BASELINE_CONCURRENCIES.entries()) {
    baselines.push(await systemBaseline(store, baselineCarts.slice(level * baselineCartsPerLevel, (level + 1) * baselineCartsPerLevel), concurrency))
  }
  const baseline = baselines.reduce((best, b) => (b.ordersPerSecond > best.ordersPerSecond ? b : best))
  const cartIds = sessions.map((s) => s.cartId)
  const invoiceIds = new Set(sessions.map((s) => s.invoiceId))

  const paidEventSettled = (all: ReturnType<typeof sandbox.deliveries>) => {
    // Per invoice: delivered (2xx), or its last attempt failed for good (retries exhausted).
    const settled = new Set<string>()
    const lastFailure = new Map<string, number>()
    for (const d of all) {
      // webhook.test deliveries name no invoice (invoice_id null).
      if (d.event_type !== "invoice.paid" || d.invoice_id === null || !invoiceIds.has(d.invoice_id)) continue
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

  const paid = deliveries.filter((d) => d.event_type === "invoice.paid" && d.invoice_id !== null && invoiceIds.has(d.invoice_id))
  const firstAttemptStatuses: Record<string, number> = {}
  for (const d of paid.filter((d) => d.attempt_number === 1)) {
    const key = d.status_code === null ? (d.error ?? "error") : String(d.status_code)
    firstAttemptStatuses[key] = (firstAttemptStatuses[key] ?? 0) + 1
  }
  const lost = invoices - counts.withOrder
  const throughput = counts.orders / (timeToLastOrder / 1000)
  const baselineThroughput = baseline.ordersPerSecond
  const pass = counts.withOrder === invoices && lost === 0 && counts.duplicated === 0 && counts.orders === invoices
  return {
    rows: [
      {
        name: `4. ${store.layout}: ${invoices} concurrent paid webhooks: orders / lost / duplicated`,
        measured: `${counts.orders} / ${lost} / ${counts.duplicated}`,
        baseline: `${invoices} paid invoices`,
        ratio: counts.orders / invoices,
        target: `${invoices} / 0 / 0`,
        pass,
      },
      {
        name: `4. ${store.layout}: throughput of the burst ÷ pp_system_default's`,
        measured: `${throughput.toFixed(1)} orders/s (last order after ${(timeToLastOrder / 1000).toFixed(1)} s; every delivery answered by ${(timeToLastDelivery / 1000).toFixed(1)} s)`,
        baseline: `${baselineThroughput.toFixed(1)} orders/s pp_system_default, best of concurrency ${BASELINE_CONCURRENCIES.join("/")} (${baseline.concurrency} at a time: ${baseline.orders} orders of ${baseline.carts}, ${baseline.failed} failed, ${baseline.seconds.toFixed(1)} s)`,
        ratio: throughput / baselineThroughput,
        target: "≥ 0.90",
        pass: throughput / baselineThroughput >= 0.9,
      },
    ],
    detail: {
      invoices,
      setupSeconds,
      firstAttemptStatuses,
      retriedDeliveries: paid.filter((d) => d.attempt_number > 1).length,
      attempts: paid.length,
      timeToLastOrderSeconds: timeToLastOrder / 1000,
      baselines: baselines.map((b) => ({ ...b, seconds: Number(b.seconds.toFixed(2)), ordersPerSecond: Number(b.ordersPerSecond.toFixed(2)) })),
    },
  }
}
