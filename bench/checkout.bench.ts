/**
 * Benchmark 3: a whole checkout in real Medusa with pp_meum_meum vs the same with Medusa's
 * pp_system_default, p50 ratio over ≥ 100 checkouts each (interleaved, after warm-up).
 *
 *   system:  create cart → add item → payment collection + session → complete (order)
 *   meum:    create cart → add item → payment collection + session (invoice created at the sandbox)
 *            → the shopper pays on the sandbox → Meum's signed invoice.paid webhook reaches
 *            /hooks/meum, which places the order → the shopper returns and completes (the same order)
 *
 * The webhook is awaited before the shopper's complete: on Meum a shopper takes seconds to pay and be
 * redirected, so the webhook nearly always wins; that order also keeps the run free of lock retries.
 * Per-step p50s are reported too, so a miss can be pinned on a step.
 */
import axios from "axios"
import { storeFlow } from "../integration-tests/helpers/store-flow"
import type { BenchStore } from "./lib/medusa-store"
import { msSince, percentile, type Row } from "./lib/report"
import { storeAgent } from "./lib/store-agent"

type Steps = Record<string, number>

export interface CheckoutBenchResult {
  rows: Row[]
  steps: { meum: Record<string, number>; system: Record<string, number> }
}

export async function benchCheckout(store: BenchStore, checkouts: number): Promise<CheckoutBenchResult> {
  const api = axios.create({ baseURL: store.url, httpAgent: storeAgent() })
  const flow = storeFlow(api, store.seed.publishableKey, store.seed.regionId)

  const checkout = async (providerId: "pp_meum_meum" | "pp_system_default"): Promise<{ total: number; steps: Steps }> => {
    const steps: Steps = {}
    const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
      const start = process.hrtime.bigint()
      const result = await run()
      steps[name] = msSince(start)
      return result
    }
    const start = process.hrtime.bigint()
    const cart = await step("create cart", () => flow.createCart())
    await step("add item", () => flow.addItem(cart.id, store.seed.variantId))
    const session = await step("payment session", () => flow.startSession(cart.id, providerId))
    if (providerId === "pp_meum_meum") {
      const invoiceId = session.data.invoice_id as string
      await step("pay + webhook places order", async () => {
        const delivered = store.sandbox.waitForDeliveries(
          (all) => all.some((d) => d.invoice_id === invoiceId && d.event_type === "invoice.paid" && d.status_code === 200),
          { timeoutMs: 60_000 }
        )
        await store.sandbox.simulate(invoiceId, "paid")
        await delivered
      })
    }
    const completed = await step("complete", () => flow.complete(cart.id))
    if (completed.status !== 200 || completed.data.type !== "order") {
      throw new Error(`${providerId} checkout did not end in an order: ${completed.status} ${JSON.stringify(completed.data).slice(0, 300)}`)
    }
    return { total: msSince(start), steps }
  }

  for (let i = 0; i < 10; i++) {
    await checkout("pp_meum_meum")
    await checkout("pp_system_default")
  }
  const meum: Array<{ total: number; steps: Steps }> = []
  const system: Array<{ total: number; steps: Steps }> = []
  // Alternating, so drift on a shared machine hits both sides alike.
  for (let i = 0; i < checkouts; i++) {
    meum.push(await checkout("pp_meum_meum"))
    system.push(await checkout("pp_system_default"))
  }

  const stepP50s = (runs: typeof meum) => {
    const names = Object.keys(runs[0].steps)
    return Object.fromEntries(names.map((name) => [name, Number(percentile(runs.map((r) => r.steps[name]), 50).toFixed(1))]))
  }
  const rows: Row[] = []
  for (const p of [50, 95]) {
    const ours = percentile(meum.map((r) => r.total), p)
    const base = percentile(system.map((r) => r.total), p)
    rows.push({
      name: `3. full checkout in Medusa p${p} (${checkouts} each)`,
      measured: `${ours.toFixed(1)} ms pp_meum_meum`,
      baseline: `${base.toFixed(1)} ms pp_system_default`,
      ratio: ours / base,
      target: p === 50 ? "≤ 1.3" : "(reported)",
      pass: p === 50 ? ours / base <= 1.3 : true,
    })
  }
  return { rows, steps: { meum: stepP50s(meum), system: stepP50s(system) } }
}
