/**
 * Where an initiatePayment's time goes (benchmark 1's miss): the provider against the sandbox in its
 * own process, every Meum HTTP call counted and timed with axios interceptors on the provider's
 * client, beside a bare axios POST of the same body. Run with `node --cpu-prof` for a CPU profile.
 *
 *   node --cpu-prof --cpu-prof-dir=.cache/prof -r ts-node/register/transpile-only bench/profile-initiate.ts [calls] [landing|full]
 *
 * The second argument is the sandbox's create answer: "landing" (its default, the documented
 * nine fields, no metadata) or "full" (the API reference's whole invoice object).
 * PROFILE_MEMO_INTL=1 memoises Intl.NumberFormat per (locale, options) in this process: what a
 * per-currency memo in src/lib/meum/invoice.ts (money) would save (an experiment, src is not changed).
 */
import http from "node:http"
import axios, { type AxiosInstance, type InternalAxiosRequestConfig } from "axios"
import { MeumPaymentProviderService } from "../src/providers/meum/service"
import { msSince, percentile, silentLogger } from "./lib/report"
import { startSandboxProcess } from "./lib/sandbox-process"

const KEY = "sk_live_bench_key_0000"
const SECRET = "whsec_bench_secret"

if (process.env.PROFILE_MEMO_INTL === "1") {
  const Original = Intl.NumberFormat
  const memo = new Map<string, Intl.NumberFormat>()
  const Memoised = function (locale?: string | string[], options?: Intl.NumberFormatOptions) {
    const key = JSON.stringify([locale, options])
    let format = memo.get(key)
    if (!format) memo.set(key, (format = new Original(locale, options)))
    return format
  }
  Object.assign(Memoised, Original)
  ;(Intl as { NumberFormat: unknown }).NumberFormat = Memoised
}

async function main() {
  const calls = Number(process.argv[2] ?? 1000)
  const createResponse = process.argv[3] ?? "landing"
  const sandbox = await startSandboxProcess(KEY, SECRET, ["--create-response", createResponse])
  try {
    const provider = new MeumPaymentProviderService({ logger: silentLogger }, { apiKey: KEY, webhookSecret: SECRET, apiBaseUrl: sandbox.url })
    const client = (provider as unknown as { client_: { http: AxiosInstance } }).client_
    const requests: Array<{ what: string; ms: number }> = []
    const started = new WeakMap<InternalAxiosRequestConfig, bigint>()
    client.http.interceptors.request.use((config) => {
      started.set(config, process.hrtime.bigint())
      return config
    })
    client.http.interceptors.response.use((response) => {
      const t = started.get(response.config)
      requests.push({ what: `${response.config.method?.toUpperCase()} ${response.config.url} → ${response.status}`, ms: t ? msSince(t) : NaN })
      return response
    })
    const bare = axios.create({ baseURL: sandbox.url, httpAgent: new http.Agent({ keepAlive: true }), headers: { Authorization: `Bearer ${KEY}` } })
    let n = 0
    const ours: number[] = []
    const base: number[] = []
    const perCall: number[] = []
    for (let i = 0; i < 200 + calls; i++) {
      const id = `payses_prof_${n++}`
      const before = requests.length
      let t = process.hrtime.bigint()
      await provider.initiatePayment({ amount: 41, currency_code: "usd", data: { session_id: id } })
      if (i >= 200) {
        ours.push(msSince(t))
        perCall.push(requests.length - before)
      }
      t = process.hrtime.bigint()
      const bid = `payses_prof_${n++}`
      await bare.post("/v1/invoices", { amount: "41.00", currency: "USD", external_order_id: bid, metadata: { medusa_session_id: bid, medusa_amount: "41.00", medusa_currency: "USD" } })
      if (i >= 200) base.push(msSince(t))
    }
    const byWhat = new Map<string, number[]>()
    for (const r of requests.slice(-perCall.reduce((a, b) => a + b, 0))) {
      const key = r.what.replace(/\/v1\/invoices\/[^ ?]+/, "/v1/invoices/{id}")
      byWhat.set(key, [...(byWhat.get(key) ?? []), r.ms])
    }
    console.log(`initiatePayment p50 ${percentile(ours, 50).toFixed(3)} ms, bare POST p50 ${percentile(base, 50).toFixed(3)} ms, ratio ${(percentile(ours, 50) / percentile(base, 50)).toFixed(3)} (${calls} calls each, interleaved; sandbox create answer: ${createResponse}${process.env.PROFILE_MEMO_INTL === "1" ? "; Intl.NumberFormat memoised" : ""})`)
    console.log(`Meum HTTP calls per initiatePayment: min ${Math.min(...perCall)} max ${Math.max(...perCall)}`)
    for (const [what, ms] of byWhat) console.log(`  ${what}: ${ms.length} calls, p50 ${percentile(ms, 50).toFixed(3)} ms (request interceptor → response interceptor)`)
  } finally {
    sandbox.child.kill("SIGTERM")
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(2)
})
