/**
 * Benchmark 8: an unsigned attack on the webhook route must not stall the store (issue 18.1).
 * Attack: 4 clients each POST to /hooks/meum, in a loop, a 250 kB body with an X-Stablecoin-Signature
 * header of ~3,900 empty `v1=` values and a current timestamp (no secret) — what stalled
 * `GET /store/regions` for 15.5 s before the cap. Measured: the p99 of `GET /store/regions` from
 * another client (sequential probes) during the attack; baseline: the same probes without it,
 * before and after (pooled). Target: ratio ≤ 1.2.
 *
 * Alone (boots its own store): `node -r ts-node/register/transpile-only bench/webhook-attack.bench.ts`
 * (BENCH_ATTACK_PROBES, default 400).
 */
import axios from "axios"
import http from "node:http"
import { startBenchStore, type BenchStore } from "./lib/medusa-store"
import { msSince, percentile, type Row } from "./lib/report"

const ATTACKERS = 4
/** Fits Node's default 16 kB header limit with the other headers, as the measured attack did. */
const ATTACK_VALUES = 3_900
const BODY_BYTES = 250_000

export interface WebhookAttackResult {
  rows: Row[]
  detail: { probes: number; baselineP99Ms: number; attackP99Ms: number; attackRequests: number; attackStatuses: Record<string, number> }
}

export async function benchWebhookAttack(store: BenchStore, probes: number): Promise<WebhookAttackResult> {
  const probeAgent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const attackAgent = new http.Agent({ keepAlive: true, maxSockets: ATTACKERS })
  const probeApi = axios.create({ baseURL: store.url, httpAgent: probeAgent, validateStatus: () => true })
  const attackApi = axios.create({ baseURL: store.url, httpAgent: attackAgent, validateStatus: () => true, maxBodyLength: Infinity })
  const headers = { "x-publishable-api-key": store.seed.publishableKey }

  const probe = async (count: number): Promise<number[]> => {
    const latencies: number[] = []
    for (let i = 0; i < count; i++) {
      const start = process.hrtime.bigint()
      const answer = await probeApi.get("/store/regions", { headers })
      if (answer.status !== 200) throw new Error(`GET /store/regions answered ${answer.status}`)
      latencies.push(msSince(start))
    }
    return latencies
  }

  const body = Buffer.from(JSON.stringify({ id: "evt_attack", type: "invoice.paid", data: { invoice_id: "inv_attack" }, pad: "a".repeat(BODY_BYTES) }))
  const signature = Array.from({ length: ATTACK_VALUES }, () => "v1=").join(",")
  const attackStatuses: Record<string, number> = {}
  let attackRequests = 0
  let attacking = true
  const attacker = async () => {
    while (attacking) {
      const answer = await attackApi
        .post("/hooks/meum", body, {
          headers: {
            "content-type": "application/json",
            "x-stablecoin-timestamp": String(Math.floor(Date.now() / 1000)),
            "x-stablecoin-signature": signature,
          },
          transformRequest: [(data: Buffer) => data],
        })
        .catch((error: Error) => ({ status: `error ${error.message}` }))
      attackRequests++
      attackStatuses[String(answer.status)] = (attackStatuses[String(answer.status)] ?? 0) + 1
    }
  }

  await probe(50) // warm-up
  const before = await probe(Math.ceil(probes / 2))
  const attackers = Array.from({ length: ATTACKERS }, () => attacker())
  let during: number[]
  try {
    await probe(10) // let the attack reach full speed
    during = await probe(probes)
  } finally {
    attacking = false
    await Promise.all(attackers)
  }
  const after = await probe(Math.floor(probes / 2))
  probeAgent.destroy()
  attackAgent.destroy()

  const baselineP99 = percentile([...before, ...after], 99)
  const attackP99 = percentile(during, 99)
  const ratio = attackP99 / baselineP99
  return {
    rows: [
      {
        name: `8. GET /store/regions p99 during a forged-webhook attack (${ATTACKERS} × ${BODY_BYTES / 1000} kB, ${ATTACK_VALUES} signature values; ${store.layout})`,
        measured: `${attackP99.toFixed(1)} ms`,
        baseline: `${baselineP99.toFixed(1)} ms without attack`,
        ratio,
        target: "≤ 1.2",
        pass: ratio <= 1.2,
      },
    ],
    detail: { probes, baselineP99Ms: baselineP99, attackP99Ms: attackP99, attackRequests, attackStatuses },
  }
}

if (require.main === module) {
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`)
  ;(async () => {
    const store = await startBenchStore({ log: (line) => log(`  ${line}`) })
    try {
      await store.stopHelper()
      const result = await benchWebhookAttack(store, Number(process.env.BENCH_ATTACK_PROBES ?? 400))
      for (const row of result.rows) console.log(`| ${row.name} | ${row.measured} | ${row.baseline} | ${row.ratio.toFixed(3)} | ${row.target} | ${row.pass ? "pass" : "MISS"} |`)
      console.log(JSON.stringify(result.detail))
    } finally {
      await store.stop()
    }
    process.exit(0)
  })().catch((error) => {
    console.error(error)
    process.exit(2)
  })
}
