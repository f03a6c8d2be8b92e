/**
 * A real Medusa 2.21 store for benchmarks 3, 4 and 6, booted outside jest the way a merchant runs
 * it: embedded PostgreSQL on a free port → `medusa db:migrate` → seed (`medusa exec
 * bench/lib/seed.ts`) → `medusa start` from this repo's sources (admin off, reconcile job off so
 * only webhooks place orders), with the Meum sandbox running in this process and its webhooks
 * pointed at the plugin's `/hooks/meum`. `stop()` ends everything it started.
 *
 * Booted by the store harness (scripts/lib/store-harness.js), like the tests and the demo.
 *
 * Layouts: one process (plus a helper server on the same database, only for preparing data fast
 * and stopped before measuring), or `cluster`: Redis (event bus, workflow engine, locking,
 * caching), two server processes behind a round-robin proxy on the store's port, one worker.
 */
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import type { Client } from "pg"
import type { MeumSandbox } from "../../src/sandbox"
import type { SeededStore } from "../../integration-tests/helpers/seed-store"
import { freePort } from "../../scripts/lib/ports"
import { createStoreHarness } from "../../scripts/lib/store-harness"

const root = path.resolve(__dirname, "../..")
export const BENCH_API_KEY = "sk_live_bench_store_key_0000"
export const BENCH_WEBHOOK_SECRET = "whsec_bench_store_secret"
/** Sandbox webhook attempts per event in the benchmarks (Meum documents retries, not how many). */
export const BENCH_WEBHOOK_MAX_ATTEMPTS = 8

export interface BenchStore {
  /** What the storefront and Meum's webhooks reach (the proxy, on the cluster layout). */
  url: string
  /** Where setup requests may go: the store, plus its helper server while it runs (both cores work). */
  setupUrls(): string[]
  /** Stops the one-process layout's helper server before measuring (no-op on the cluster). */
  stopHelper(): Promise<void>
  layout: "one process" | "cluster (2 servers + 1 worker, Redis)"
  seed: SeededStore
  sandbox: MeumSandbox
  /** A client on the store's database, for counting orders without going through Medusa. */
  db: Client
  /** The environment of the store's processes (for `medusa exec` against the same store). */
  env: NodeJS.ProcessEnv
  logFile: string
  stop(): Promise<void>
}

export interface BenchStoreOptions {
  log?: (line: string) => void
  cluster?: boolean
  /** The sandbox's create limit (default: practically none; Meum's documented one is 30 / 60 s). */
  sandboxRateLimit?: { max: number; windowMs: number }
}

export async function startBenchStore(options: BenchStoreOptions = {}): Promise<BenchStore> {
  const log = options.log ?? (() => {})
  const cluster = options.cluster ?? false
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "meum-bench-"))
  const harness = createStoreHarness({ log })
  harness.defer(() => fs.rmSync(workDir, { recursive: true, force: true }))
  try {
    const pg = await harness.postgres({ embedded: true })
    const { url: databaseUrl } = await harness.database(pg, "medusa_bench")

    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const sandbox = await harness.sandbox({
      port: 0,
      host: "127.0.0.1",
      apiKeys: [BENCH_API_KEY],
      webhookSecret: BENCH_WEBHOOK_SECRET,
      webhookUrls: [`${url}/hooks/meum`],
      rateLimit: options.sandboxRateLimit ?? { max: 10_000_000, windowMs: 60_000 },
      webhookRetry: { maxAttempts: BENCH_WEBHOOK_MAX_ATTEMPTS, baseDelayMs: 250, maxDelayMs: 4_000 },
      // Abandoned checkouts stay open for the whole run (benchmark 6 holds 100,000 of them).
      invoiceLifetimeSeconds: 7 * 24 * 3600,
    })

    const redis = cluster ? await harness.redis() : undefined
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      MEDUSA_DISABLE_TELEMETRY: "true",
      MEDUSA_ADMIN_DISABLED: "true",
      LOG_LEVEL: "warn",
      MEUM_API_KEY: BENCH_API_KEY,
      MEUM_WEBHOOK_SECRET: BENCH_WEBHOOK_SECRET,
      MEUM_API_BASE_URL: sandbox.url,
      // Only webhooks may place Meum orders here: the sweep would hide a lost one.
      MEUM_RECONCILE_DISABLED: "true",
      ...(redis ? { REDIS_URL: redis.url } : {}),
    }
    if (!redis) delete env.REDIS_URL
    let started = Date.now()
    await harness.medusa(["db:migrate"], env)
    log(`migrations ${((Date.now() - started) / 1000).toFixed(1)} s`)
    started = Date.now()
    const seedFile = path.join(workDir, "seed.json")
    await harness.medusa(["exec", "./bench/lib/seed.ts"], { ...env, BENCH_SEED_FILE: seedFile })
    const seed = JSON.parse(fs.readFileSync(seedFile, "utf8")) as SeededStore
    log(`seed ${((Date.now() - started) / 1000).toFixed(1)} s`)

    started = Date.now()
    const logFile = path.join(root, ".cache", cluster ? "bench-medusa-cluster.log" : "bench-medusa.log")
    const logDir = path.dirname(logFile)
    let setupUrls: () => string[]
    let stopHelper: () => Promise<void>
    if (cluster) {
      const layout = await harness.cluster({ env, port, logDir: path.join(logDir, "bench-cluster") })
      await layout.ready
      setupUrls = () => [url]
      stopHelper = async () => {}
    } else {
      const helperPort = await freePort()
      // BENCH_SERVER_NODE_OPTIONS: for the measured server only, e.g. "--require bench/lib/cpu-profile-preload.js"
      // (with BENCH_CPU_PROFILE_DIR) writes its CPU profile when stop() ends it.
      const serverEnv = process.env.BENCH_SERVER_NODE_OPTIONS ? { ...env, NODE_OPTIONS: `${env.NODE_OPTIONS ?? ""} ${process.env.BENCH_SERVER_NODE_OPTIONS}`.trim() } : env
      const main = harness.startMedusa({ name: "server", port, env: serverEnv, logFile: logFile.replace(/\.log$/, "-server.log") })
      const helper = harness.startMedusa({ name: "helper", port: helperPort, env, logFile: logFile.replace(/\.log$/, "-helper.log") })
      await Promise.all([main.ready, helper.ready])
      let helperRunning = true
      setupUrls = () => (helperRunning ? [url, `http://127.0.0.1:${helperPort}`] : [url])
      stopHelper = () => {
        helperRunning = false
        return helper.stop()
      }
    }
    log(`medusa start ${((Date.now() - started) / 1000).toFixed(1)} s`)

    const db = await harness.client(databaseUrl)
    return {
      url,
      setupUrls,
      stopHelper,
      layout: cluster ? "cluster (2 servers + 1 worker, Redis)" : "one process",
      seed,
      sandbox,
      db,
      env,
      logFile,
      stop: () => harness.stop(),
    }
  } catch (error) {
    await harness.stop()
    throw error
  }
}
