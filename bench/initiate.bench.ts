/**
 * Benchmark 1: initiatePayment through the provider vs a bare axios POST of the same body to the same
 * sandbox (p50 target ≤ 1.10, p95 reported). Benchmark 5: RSS growth over 10,000 initiatePayment.
 * The gated rows call initiatePayment without a cart reference (the external_order_id is the session
 * id); a reported row gives a store's usual case, the first invoice of a cart (signed cart reference,
 * the cart id as external_order_id), whose metadata-less create answer is read back (2 Meum calls).
 */
import http from "node:http"
import axios from "axios"
import { MeumPaymentProviderService } from "../src/providers/meum/service"
import { signCartReference } from "../src/lib/cart-reference"
import { msSince, percentile, silentLogger, type Row } from "./lib/report"

export async function benchInitiate(url: string, apiKey: string, webhookSecret: string, calls: number): Promise<Row[]> {
  const provider = new MeumPaymentProviderService({ logger: silentLogger }, { apiKey, webhookSecret, apiBaseUrl: url })
  const bare = axios.create({
    baseURL: url,
    httpAgent: new http.Agent({ keepAlive: true }),
    headers: { Authorization: `Bearer ${apiKey}` },
  })
  let n = 0
  const viaProvider = async () => {
    const id = `payses_bench_${n++}`
    await provider.initiatePayment({ amount: 41, currency_code: "usd", data: { session_id: id } })
  }
  const viaAxios = async () => {
    const id = `payses_bench_${n++}`
    await bare.post("/v1/invoices", {
      amount: "41.00",
      currency: "USD",
      external_order_id: id,
      metadata: { medusa_session_id: id, medusa_amount: "41.00", medusa_currency: "USD" },
    })
  }
  for (let i = 0; i < 200; i++) {
    await viaProvider()
    await viaAxios()
  }
  const ours: number[] = []
  const base: number[] = []
  // Interleaved in small blocks so drift on a shared machine hits both sides alike.
  for (let block = 0; block < calls / 50; block++) {
    for (let i = 0; i < 50; i++) {
      const t = process.hrtime.bigint()
      await viaProvider()
      ours.push(msSince(t))
    }
    for (let i = 0; i < 50; i++) {
      const t = process.hrtime.bigint()
      await viaAxios()
      base.push(msSince(t))
    }
  }
  // A store's first invoice of a cart: the same, with the cart reference the plugin's middleware writes.
  const viaProviderForCart = async () => {
    const id = `payses_bench_${n++}`
    const meum_cart_ref = signCartReference({ kind: "cart", id: `cart_bench_${n}`, paymentCollectionId: `pay_col_bench_${n}` }, apiKey)
    await provider.initiatePayment({ amount: 41, currency_code: "usd", data: { session_id: id, meum_cart_ref } })
  }
  const forCart: number[] = []
  const baseForCart: number[] = []
  for (let block = 0; block < calls / 50; block++) {
    for (let i = 0; i < 50; i++) {
      const t = process.hrtime.bigint()
      await viaProviderForCart()
      forCart.push(msSince(t))
    }
    for (let i = 0; i < 50; i++) {
      const t = process.hrtime.bigint()
      await viaAxios()
      baseForCart.push(msSince(t))
    }
  }
  const rows: Row[] = [50, 95].map((p) => {
    const ratio = percentile(ours, p) / percentile(base, p)
    return {
      name: `1. initiatePayment p${p} (${calls} calls)`,
      measured: `${percentile(ours, p).toFixed(3)} ms`,
      baseline: `${percentile(base, p).toFixed(3)} ms bare axios POST`,
      ratio,
      target: p === 50 ? "≤ 1.10" : "(reported)",
      pass: p === 50 ? ratio <= 1.1 : true,
    }
  })
  const ratio = percentile(forCart, 50) / percentile(baseForCart, 50)
  rows.push({
    name: `1. initiatePayment p50, first invoice of a cart (create + read-back GET; ${calls} calls)`,
    measured: `${percentile(forCart, 50).toFixed(3)} ms`,
    baseline: `${percentile(baseForCart, 50).toFixed(3)} ms bare axios POST`,
    ratio,
    target: "(reported)",
    pass: true,
  })
  return rows
}

export async function benchRss(url: string, apiKey: string, webhookSecret: string, calls: number): Promise<Row> {
  const provider = new MeumPaymentProviderService({ logger: silentLogger }, { apiKey, webhookSecret, apiBaseUrl: url })
  const gc = (globalThis as { gc?: () => void }).gc
  const run = async (count: number, offset: number) => {
    for (let i = 0; i < count; i++) {
      await provider.initiatePayment({ amount: 41, currency_code: "usd", data: { session_id: `payses_rss_${offset + i}` } })
    }
  }
  await run(1000, 0)
  gc?.()
  const before = process.memoryUsage().rss
  await run(calls, 1000)
  gc?.()
  const after = process.memoryUsage().rss
  const growth = (after - before) / before
  return {
    name: `5. RSS growth over ${calls} initiatePayment`,
    measured: `${(after / 2 ** 20).toFixed(1)} MiB`,
    baseline: `${(before / 2 ** 20).toFixed(1)} MiB after warm-up`,
    ratio: 1 + growth,
    target: "growth < 5 %",
    pass: growth < 0.05,
  }
}
