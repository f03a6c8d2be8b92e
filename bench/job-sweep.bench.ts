/**
 * Benchmark 6: the reconcile job at scale. N open Meum payment sessions — 1 % of them real carts
 * made through the store API, the rest seeded straight into the database (payment collections,
 * sessions and ledger rows cloned from a real one) with an open invoice each at the sandbox — and
 * the real carts' invoices paid while every webhook is dropped. Then the job runs (`medusa exec`,
 * one run at a time, as the worker would on its schedule) until every paid cart is an order.
 *
 * Reported: runs needed (target ≤ 2), Meum API calls per run and per paid invoice (target: the
 * calls follow the paid invoices plus a bounded page count, not the open sessions — at most 3 per
 * paid invoice plus 150: one due batch of 100 and the list pages).
 */
import { spawn } from "node:child_process"
import path from "node:path"
import { MeumClient } from "../src/lib/meum/client"
import { createCartsWithSession, inParallel } from "./lib/meum-carts"
import { BENCH_API_KEY, type BenchStore } from "./lib/medusa-store"
import type { Row } from "./lib/report"

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { medusaBin } = require("../scripts/lib/medusa-process")
const root = path.resolve(__dirname, "..")
const MAX_RUNS = 5

export interface JobSweepResult {
  rows: Row[]
  detail: { openSessions: number; paid: number; seedSeconds: number; runs: Array<{ seconds: number; apiCalls: number; byKind: Record<string, number>; orders: number; summary: unknown }> }
}

/** Async on purpose: the sandbox answering the job lives in this process's event loop. */
function runJobOnce(store: BenchStore): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(medusaBin, ["exec", "./bench/lib/run-reconcile-job.ts"], { cwd: root, env: store.env })
    let output = ""
    child.stdout.on("data", (chunk) => (output += chunk))
    child.stderr.on("data", (chunk) => (output += chunk))
    child.on("error", reject)
    child.on("close", (code) => {
      const line = /RECONCILE_SUMMARY=(.*)/.exec(output)?.[1]
      if (code !== 0 || !line) reject(new Error(`reconcile run failed (${code}):\n${output.slice(-4000)}`))
      else resolve(JSON.parse(line))
    })
  })
}

/** Inserts `count` copies of one row of `table`, with some columns replaced by SQL expressions of g (1…count). */
async function cloneRows(store: BenchStore, table: string, templateId: string, count: number, overrides: Record<string, string>, params: unknown[]) {
  const { rows } = await store.db.query<{ column_name: string }>(
    "SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND table_schema = 'public' ORDER BY ordinal_position",
    [table]
  )
  const columns = rows.map((row) => row.column_name)
  const select = columns.map((column) => (column in overrides ? overrides[column] : `t."${column}"`))
  await store.db.query(
    `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) SELECT ${select.join(", ")} FROM "${table}" t CROSS JOIN generate_series(1, ${count}) AS g WHERE t.id = $1`,
    [templateId, ...params]
  )
}

async function ordersFor(store: BenchStore, cartIds: string[]): Promise<number> {
  const { rows } = await store.db.query<{ n: string }>("SELECT count(DISTINCT cart_id) AS n FROM order_cart WHERE cart_id = ANY($1) AND deleted_at IS NULL", [cartIds])
  return Number(rows[0].n)
}

export async function benchJobSweep(store: BenchStore, openSessions: number): Promise<JobSweepResult> {
  const { sandbox } = store
  const paid = Math.max(1, Math.round(openSessions / 100))
  const seedStart = Date.now()
  // Real carts: one template to clone, and the ones that will be paid. Their invoice.created
  // webhooks put them in the ledger, as at a live store.
  const [template, ...paying] = await createCartsWithSession(store, paid + 1, `job-${openSessions}`, "pp_meum_meum")
  const realInvoices = [template, ...paying].map((cart) => cart.invoiceId!)
  for (let waited = 0; ; waited += 250) {
    const { rows } = await store.db.query<{ n: string }>("SELECT count(*) AS n FROM meum_invoice WHERE invoice_id = ANY($1)", [realInvoices])
    if (Number(rows[0].n) === realInvoices.length) break
    if (waited > 120_000) throw new Error("the real carts' invoices did not reach the ledger")
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  sandbox.setFaults({ webhook_drop_rate: 1 })
  const filler = openSessions - paid - 1

  // Open invoices at the sandbox for the seeded sessions, as the plugin would have created them.
  const client = new MeumClient({ apiKey: BENCH_API_KEY, baseUrl: sandbox.url, timeoutMs: 30_000 })
  const tag = `b${openSessions}_`
  const invoiceIds = await inParallel(filler, 16, async (index) => {
    const invoice = await client.createInvoice({
      amount: "20.50",
      currency: "USD",
      external_order_id: `cart_${tag}${index + 1}`,
      metadata: { medusa_session_id: `payses_${tag}${index + 1}`, medusa_payment_collection_id: `pay_col_${tag}${index + 1}` },
    })
    return invoice.id
  })
  client.close()

  const { rows: ledgerRows } = await store.db.query<{ id: string }>("SELECT id FROM meum_invoice WHERE invoice_id = $1", [template.invoiceId])
  if (!ledgerRows[0]) throw new Error("the template cart has no ledger row")
  await store.db.query("BEGIN")
  await cloneRows(store, "payment_collection", template.collectionId, filler, { id: `'pay_col_${tag}' || g` }, [])
  await cloneRows(
    store,
    "payment_session",
    template.sessionId,
    filler,
    { id: `'payses_${tag}' || g`, payment_collection_id: `'pay_col_${tag}' || g`, data: `t.data || jsonb_build_object('invoice_id', ($2::text[])[g])` },
    [invoiceIds]
  )
  await cloneRows(
    store,
    "meum_invoice",
    ledgerRows[0].id,
    filler,
    {
      id: `'mledg_${tag}' || g`,
      invoice_id: "($2::text[])[g]",
      payment_session_id: `'payses_${tag}' || g`,
      payment_collection_id: `'pay_col_${tag}' || g`,
      cart_id: `'cart_${tag}' || g`,
      external_order_id: `'cart_${tag}' || g`,
      // Steady state of a store with many abandoned checkouts: next checks spread over 6 h.
      next_check_at: "now() + (g % 360) * interval '1 minute'",
    },
    [invoiceIds]
  )
  await store.db.query("COMMIT")
  for (const cart of paying) await sandbox.simulate(cart.invoiceId!, "paid")
  const seedSeconds = (Date.now() - seedStart) / 1000

  const cartIds = paying.map((cart) => cart.cartId)
  const runs: JobSweepResult["detail"]["runs"] = []
  while (runs.length < MAX_RUNS && (await ordersFor(store, cartIds)) < paid) {
    const since = Date.now()
    const started = process.hrtime.bigint()
    const summary = await runJobOnce(store)
    const calls = sandbox.requests().filter((request) => request.at >= since)
    const byKind: Record<string, number> = {}
    for (const call of calls) {
      const kind = `${call.method} ${call.path.replace(/\/v1\/invoices\/[^/]+/, "/v1/invoices/{id}")}${call.query.status ? `?status=${call.query.status}` : ""}`
      byKind[kind] = (byKind[kind] ?? 0) + 1
    }
    runs.push({ seconds: Number(process.hrtime.bigint() - started) / 1e9, apiCalls: calls.length, byKind, orders: await ordersFor(store, cartIds), summary })
  }
  sandbox.resetFaults()

  const orders = runs.at(-1)?.orders ?? 0
  const maxCalls = Math.max(...runs.map((run) => run.apiCalls))
  // Per paid invoice: its read and its capture path; per run: the due batch (100) and the pages.
  const callBudget = 3 * paid + 150
  return {
    rows: [
      {
        name: `6. job, ${openSessions.toLocaleString("en")} open sessions, ${paid} paid with webhooks dropped: runs until every paid one is an order`,
        measured: `${runs.length} run(s), ${orders}/${paid} orders (runs: ${runs.map((run) => `${run.seconds.toFixed(0)} s`).join(", ")})`,
        baseline: `${paid} paid`,
        ratio: orders / paid,
        target: "all within 2 runs",
        pass: orders === paid && runs.length <= 2,
      },
      {
        name: `6. job, ${openSessions.toLocaleString("en")} open sessions: Meum API calls per run`,
        measured: runs.map((run) => String(run.apiCalls)).join(" / "),
        baseline: `${paid} paid invoices (budget 3 × paid + 150 = ${callBudget})`,
        ratio: maxCalls / paid,
        target: `≤ ${callBudget} (not ∝ ${openSessions.toLocaleString("en")} open)`,
        pass: maxCalls <= callBudget,
      },
    ],
    detail: { openSessions, paid, seedSeconds, runs },
  }
}
