/**
 * A real Medusa 2.21 store for benchmarks 3 and 4, booted outside jest the way a merchant runs it:
 * embedded PostgreSQL on a free port → `medusa db:migrate` → seed (`medusa exec bench/lib/seed.ts`)
 * → `medusa start` from this repo's sources (admin off, reconcile job off so only webhooks place
 * orders) on a free port, with the Meum sandbox running in this process and its webhooks pointed at
 * the plugin's `/hooks/meum`. `stop()` ends everything it started.
 */
import { spawn, spawnSync } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { Client } from "pg"
import { startMeumSandbox, type MeumSandbox } from "../../src/sandbox"
import type { SeededStore } from "../../integration-tests/helpers/seed-store"

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startEmbeddedPostgres, freePort } = require("../../scripts/lib/embedded-postgres")

const root = path.resolve(__dirname, "../..")
const medusaBin = path.join(root, "node_modules/.bin/medusa")
export const BENCH_API_KEY = "sk_live_bench_store_key_0000"
export const BENCH_WEBHOOK_SECRET = "whsec_bench_store_secret"
/** Sandbox webhook attempts per event in the benchmarks (Meum documents retries, not how many). */
export const BENCH_WEBHOOK_MAX_ATTEMPTS = 8

export interface BenchStore {
  url: string
  /** A second server on the same database, only for preparing data fast (uses the other core). */
  helperUrl: string
  stopHelper(): Promise<void>
  seed: SeededStore
  sandbox: MeumSandbox
  /** A client on the store's database, for counting orders without going through Medusa. */
  db: Client
  logFile: string
  stop(): Promise<void>
}

export interface BenchStoreOptions {
  log?: (line: string) => void
}

function medusa(args: string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync(medusaBin, args, { cwd: root, env, encoding: "utf8", maxBuffer: 64 * 2 ** 20 })
  if (result.status !== 0) throw new Error(`medusa ${args.join(" ")} failed:\n${result.stdout}${result.stderr}`)
}

async function waitForHealth(url: string, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + 120_000
  while (Date.now() < deadline) {
    if (exited()) throw new Error("Medusa exited during start (see the bench log)")
    const ok = await fetch(url).then((r) => r.ok, () => false)
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error("Medusa did not answer /health within 120 s")
}

export async function startBenchStore(options: BenchStoreOptions = {}): Promise<BenchStore> {
  const log = options.log ?? (() => {})
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "meum-bench-"))
  const cleanups: Array<() => Promise<void> | void> = [() => fs.rmSync(workDir, { recursive: true, force: true })]
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve().then(cleanup).catch(() => {})
  }
  try {
    const pg = await startEmbeddedPostgres()
    cleanups.push(() => pg.stop())
    const admin = new Client({ connectionString: pg.url("postgres") })
    await admin.connect()
    await admin.query("CREATE DATABASE medusa_bench")
    await admin.end()

    const port: number = await freePort()
    const url = `http://localhost:${port}`
    const sandbox = await startMeumSandbox({
      port: 0,
      host: "127.0.0.1",
      apiKeys: [BENCH_API_KEY],
      webhookSecret: BENCH_WEBHOOK_SECRET,
      webhookUrls: [`${url}/hooks/meum`],
      rateLimit: { max: 1_000_000, windowMs: 60_000 },
      webhookRetry: { maxAttempts: BENCH_WEBHOOK_MAX_ATTEMPTS, baseDelayMs: 250, maxDelayMs: 4_000 },
    })
    cleanups.push(() => sandbox.stop())

    const seedFile = path.join(workDir, "seed.json")
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: pg.url("medusa_bench"),
      PORT: String(port),
      MEDUSA_DISABLE_TELEMETRY: "true",
      MEDUSA_ADMIN_DISABLED: "true",
      LOG_LEVEL: "warn",
      MEUM_API_KEY: BENCH_API_KEY,
      MEUM_WEBHOOK_SECRET: BENCH_WEBHOOK_SECRET,
      MEUM_API_BASE_URL: sandbox.url,
      // Only webhooks may place Meum orders here: the sweep would hide a lost one.
      MEUM_RECONCILE_DISABLED: "true",
      BENCH_SEED_FILE: seedFile,
    }
    let started = Date.now()
    medusa(["db:migrate"], env)
    log(`migrations ${((Date.now() - started) / 1000).toFixed(1)} s`)
    started = Date.now()
    medusa(["exec", "./bench/lib/seed.ts"], env)
    const seed = JSON.parse(fs.readFileSync(seedFile, "utf8")) as SeededStore
    log(`seed ${((Date.now() - started) / 1000).toFixed(1)} s`)

    started = Date.now()
    const logFile = path.join(root, ".cache", "bench-medusa.log")
    fs.mkdirSync(path.dirname(logFile), { recursive: true })
    const startServer = (serverPort: number, file: string) => {
      const out = fs.openSync(file, "w")
      // Own process group: `medusa start` may fork; the whole group is ended on stop.
      const server = spawn(medusaBin, ["start"], { cwd: root, env: { ...env, PORT: String(serverPort) }, detached: true, stdio: ["ignore", out, out] })
      let stopped: Promise<void> | undefined
      const stopServer = () =>
        (stopped ??= (async () => {
          if (server.exitCode === null) {
            const exited = new Promise((resolve) => server.once("exit", resolve))
            try {
              process.kill(-server.pid!, "SIGTERM")
            } catch {}
            await exited
          }
          fs.closeSync(out)
        })())
      cleanups.push(stopServer)
      return { ready: waitForHealth(`http://localhost:${serverPort}/health`, () => server.exitCode !== null), stop: stopServer }
    }
    const helperPort: number = await freePort()
    const main = startServer(port, logFile)
    const helper = startServer(helperPort, logFile.replace(/\.log$/, "-helper.log"))
    await Promise.all([main.ready, helper.ready])
    log(`medusa start ${((Date.now() - started) / 1000).toFixed(1)} s`)

    const db = new Client({ connectionString: pg.url("medusa_bench") })
    await db.connect()
    cleanups.push(() => db.end())
    return { url, helperUrl: `http://localhost:${helperPort}`, stopHelper: helper.stop, seed, sandbox, db, logFile, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
