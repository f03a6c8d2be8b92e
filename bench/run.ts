/**
 * `npm run bench`: how close to the physical limit, as ratios against baselines measured in the
 * same run (the machine is shared and noisy). Prints a table, writes bench/results/latest.json,
 * exits non-zero when a target is missed.
 *
 * 1, 2, 5 run against the sandbox in its own process (or no server at all); 3, 4, 6, 7 and 8 boot a
 * real Medusa 2.21 store (bench/lib/medusa-store.ts): 3, 4, 6 and 8 (forged-webhook attack) on one process, then 4 again on
 * the cluster layout (2 servers + 1 worker on Redis). Sizes can be lowered for a quick look:
 * BENCH_CALLS, BENCH_VERIFY_ITERATIONS, BENCH_RSS_CALLS, BENCH_CHECKOUTS, BENCH_BURST,
 * BENCH_ATTACK_PROBES, BENCH_JOB_SESSIONS (comma-separated open-session counts, default "10000,100000"), BENCH_BUDGET_SHOPPERS
 * (benchmark 7, on its own store whose sandbox enforces Meum's 30 creates / 60 s)
 * (a run with lowered sizes is marked as such and is not a release gate).
 * BENCH_ONLY (comma-separated, e.g. "1,3,4,4c") runs only those benchmarks ("4c": 4 on the cluster);
 * such a run is not a release gate either.
 */
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { benchCartBudget } from "./cart-budget.bench"
import { benchCheckout } from "./checkout.bench"
import { benchInitiate, benchRss } from "./initiate.bench"
import { benchJobSweep } from "./job-sweep.bench"
import { startBenchStore } from "./lib/medusa-store"
import type { Row } from "./lib/report"
import { startSandboxProcess } from "./lib/sandbox-process"
import { benchVerify } from "./verify.bench"
import { benchWebhookAttack } from "./webhook-attack.bench"
import { benchWebhookBurst } from "./webhook-burst.bench"

const KEY = "sk_live_bench_key_0000"
const SECRET = "whsec_bench_secret"

const size = (name: string, fallback: number) => Number(process.env[name] ?? fallback)
const sizes = {
  calls: size("BENCH_CALLS", 1000),
  verifyIterations: size("BENCH_VERIFY_ITERATIONS", 50_000),
  rssCalls: size("BENCH_RSS_CALLS", 10_000),
  checkouts: size("BENCH_CHECKOUTS", 100),
  burst: size("BENCH_BURST", 1000),
  attackProbes: size("BENCH_ATTACK_PROBES", 400),
  budgetShoppers: size("BENCH_BUDGET_SHOPPERS", 10),
  jobSessions: (process.env.BENCH_JOB_SESSIONS ?? "10000,100000").split(",").map(Number).filter((n) => n > 1),
}
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(",").map((s) => s.trim())) : undefined
const runs = (id: string) => !only || only.has(id)
const fullSize =
  !only &&
  sizes.calls >= 1000 && sizes.rssCalls >= 10_000 && sizes.checkouts >= 100 && sizes.burst >= 1000 && Math.max(...sizes.jobSessions) >= 100_000

const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`)

async function main() {
  const started = Date.now()
  const rows: Row[] = []
  const details: Record<string, unknown> = {}
  // Each row as soon as it is measured (a long run that is cut short still reports what it has).
  const push = rows.push.bind(rows)
  rows.push = (...added: Row[]) => {
    for (const row of added) progress(`  → ${row.name}: ${row.measured} (baseline ${row.baseline}; target ${row.target})`)
    return push(...added)
  }

  if (runs("1") || runs("2") || runs("5")) {
    const sandbox = await startSandboxProcess(KEY, SECRET)
    try {
      if (runs("1")) {
        progress("1. initiatePayment vs bare axios")
        rows.push(...(await benchInitiate(sandbox.url, KEY, SECRET, sizes.calls)))
      }
      if (runs("2")) {
        progress("2. webhook verification vs bare HMAC")
        rows.push(...benchVerify(SECRET, sizes.verifyIterations))
      }
      if (runs("5")) {
        progress("5. RSS over initiatePayment")
        rows.push(await benchRss(sandbox.url, KEY, SECRET, sizes.rssCalls))
      }
    } finally {
      sandbox.child.kill("SIGTERM")
    }
  }

  if (runs("3") || runs("4") || runs("8") || runs("6")) {
  progress("booting a Medusa store (embedded PostgreSQL, migrations, seed, medusa start)")
  const store = await startBenchStore({ log: (line) => progress(`  ${line}`) })
  try {
    if (runs("3")) {
      progress(`3. ${sizes.checkouts} checkouts each, pp_meum_meum vs pp_system_default`)
      const checkout = await benchCheckout(store, sizes.checkouts)
      rows.push(...checkout.rows)
      details.checkout_step_p50_ms = checkout.steps
    }
    if (runs("4")) {
      progress(`4. ${sizes.burst} paid invoices, webhooks released at once`)
      const burst = await benchWebhookBurst(store, sizes.burst)
      rows.push(...burst.rows)
      details.burst = burst.detail
    }
    if (runs("8")) {
      progress("8. GET /store/regions during a forged-webhook attack (the helper server is stopped)")
      const attack = await benchWebhookAttack(store, sizes.attackProbes)
      rows.push(...attack.rows)
      details.attack = attack.detail
    }
    details.job = []
    for (const openSessions of runs("6") ? sizes.jobSessions : []) {
      progress(`6. reconcile job with ${openSessions} open Meum sessions, 1 % paid, webhooks dropped`)
      const job = await benchJobSweep(store, openSessions)
      rows.push(...job.rows)
      ;(details.job as unknown[]).push(job.detail)
    }
  } finally {
    await store.stop()
  }
  }

  // 7 needs Meum's documented create limit, which the store above lifts for the bursts.
  if (runs("7")) {
  progress("booting a store whose sandbox enforces Meum's 30 creates / 60 s")
  const limited = await startBenchStore({ sandboxRateLimit: { max: 30, windowMs: 60_000 }, log: (line) => progress(`  ${line}`) })
  try {
    progress(`7. ${sizes.budgetShoppers} shoppers beside a cart looping 20 session POSTs a minute`)
    const budget = await benchCartBudget(limited, sizes.budgetShoppers)
    rows.push(...budget.rows)
    details.cart_budget = budget.detail
  } finally {
    await limited.stop()
  }
  }

  if (runs("4c")) {
  progress("booting the cluster layout (Redis, 2 servers behind a proxy, 1 worker)")
  const cluster = await startBenchStore({ cluster: true, log: (line) => progress(`  ${line}`) })
  try {
    progress(`4. ${sizes.burst} paid invoices on the cluster, webhooks released at once`)
    const burst = await benchWebhookBurst(cluster, sizes.burst)
    rows.push(...burst.rows)
    details.burst_cluster = burst.detail
  } finally {
    await cluster.stop()
  }
  }

  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`
  const seconds = (Date.now() - started) / 1000
  console.log(`\nmedusa-payment-meum benchmarks — ${machine}${fullSize ? "" : ` — REDUCED (${only ? `only ${[...only].join(",")}; ` : ""}sizes ${JSON.stringify(sizes)}), not a release gate`}\n`)
  console.log("| benchmark | measured | baseline | ratio | target | result |")
  console.log("|---|---|---|---|---|---|")
  for (const row of rows) {
    const ratio = Number.isFinite(row.ratio) ? row.ratio.toFixed(3) : "—"
    const result = row.target === "(reported)" ? "—" : row.pass ? "pass" : "MISS"
    console.log(`| ${row.name} | ${row.measured} | ${row.baseline} | ${ratio} | ${row.target} | ${result} |`)
  }
  console.log(`\nper-step p50 (ms) of benchmark 3: ${JSON.stringify(details.checkout_step_p50_ms)}`)
  console.log(`benchmark 4 detail (one process): ${JSON.stringify(details.burst)}`)
  console.log(`benchmark 4 detail (cluster): ${JSON.stringify(details.burst_cluster)}`)
  console.log(`benchmark 6 detail: ${JSON.stringify(details.job)}`)
  console.log(`benchmark 8 detail: ${JSON.stringify(details.attack)}`)
  console.log(`\n(${seconds.toFixed(0)} s)`)
  fs.mkdirSync(path.join(__dirname, "results"), { recursive: true })
  fs.writeFileSync(
    path.join(__dirname, "results", "latest.json"),
    JSON.stringify({ machine, at: new Date().toISOString(), seconds, sizes, fullSize, rows, details }, null, 2)
  )
  process.exit(rows.every((row) => row.pass) && fullSize ? 0 : 1)
}

main().catch((error) => {
  console.error(error)
  process.exit(2)
})
