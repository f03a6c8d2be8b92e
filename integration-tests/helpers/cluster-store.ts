/**
 * The production layout, for real: one PostgreSQL (the suite's), one Redis (started on a free
 * port), two `medusa start` processes in server mode and one in worker mode, all from this
 * repo's medusa-config.ts with REDIS_URL set, and the Meum sandbox in the test process.
 *
 * Each process reaches the sandbox through its own gate (meum-gate.ts): the sandbox's request log
 * names the process that called (`server-0`, `server-1`, `worker-0`, …), and a test can cut one
 * process off Meum (e.g. keep the workers' reconcile job from acting while webhooks are tested).
 * Medusa's logs go to files under .cache/cluster/ (printed when a test fails, not otherwise).
 */
import { spawnSync } from "node:child_process"
import fs from "node:fs"
import path from "node:path"
import axios, { type AxiosInstance } from "axios"
import { Client } from "pg"
import { startMeumSandbox, type MeumSandbox } from "../../src/sandbox"
import { startMeumGate, type MeumGate } from "./meum-gate"
import type { SeededStore } from "./seed-store"

const { startRedis } = require("../../scripts/lib/redis-server")
const { startMedusaProcess, medusaBin } = require("../../scripts/lib/medusa-process")
const { freePort } = require("../../scripts/lib/embedded-postgres")

const root = path.resolve(__dirname, "../..")
export const CLUSTER_API_KEY = "sk_live_cluster_test_key"
export const CLUSTER_WEBHOOK_SECRET = "whsec_cluster_test_secret"
const ADMIN_EMAIL = "cluster-admin@example.com"
const ADMIN_PASSWORD = "cluster-admin-password"

export interface MedusaProcess {
  /** server-0, server-1, worker-0, … — also the Host the sandbox logs for its calls. */
  name: string
  /** Its way to Meum: close() cuts it off (503), open() lets it through again. */
  gate: MeumGate
  port: number
  url: string
  logFile: string
  ready: Promise<void>
  exited: Promise<{ code: number | null; signal: string | null }>
  stop(): Promise<void>
  kill(): Promise<void>
}

export interface ClusterStore {
  servers: MedusaProcess[]
  workers: MedusaProcess[]
  sandbox: MeumSandbox
  seed: SeededStore
  db: Client
  /** Storefront calls to one server. */
  api(server: MedusaProcess): AxiosInstance
  adminHeaders(server: MedusaProcess): Promise<Record<string, string>>
  /** One more process of the layout (e.g. a second worker, or a server to replace a killed one). */
  startProcess(mode: "server" | "worker"): Promise<MedusaProcess>
  /** Cuts every worker (present and future) off Meum, or lets them through again. */
  setWorkersReachMeum(reach: boolean): void
  logs(): string
  stop(): Promise<void>
}

export interface ClusterOptions {
  /** Cron of the reconcile job on the workers (6 fields allowed: seconds). */
  reconcileSchedule: string
  logDir?: string
}

export async function startClusterStore(options: ClusterOptions): Promise<ClusterStore> {
  const cleanups: Array<() => Promise<unknown> | unknown> = []
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve().then(cleanup).catch(() => undefined)
    cleanups.length = 0
  }
  try {
    const { DB_USERNAME, DB_PASSWORD, DB_HOST, DB_PORT } = process.env
    const database = `cluster_${Date.now()}`
    const admin = new Client({ user: DB_USERNAME, password: DB_PASSWORD, host: DB_HOST, port: Number(DB_PORT), database: "postgres" })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${database}`)
    await admin.end()

    const redis = await startRedis()
    cleanups.push(() => redis.stop())
    const sandbox = await startMeumSandbox({
      port: 0,
      host: "127.0.0.1",
      apiKeys: [CLUSTER_API_KEY],
      webhookSecret: CLUSTER_WEBHOOK_SECRET,
      rateLimit: { max: 100_000, windowMs: 60_000 },
      webhookRetry: { baseDelayMs: 200, maxDelayMs: 2_000 },
    })
    cleanups.push(() => sandbox.stop())

    const logDir = options.logDir ?? path.join(root, ".cache", "cluster", String(Date.now()))
    fs.mkdirSync(logDir, { recursive: true })
    const baseEnv: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: `postgres://${DB_USERNAME}:${DB_PASSWORD}@${DB_HOST}:${DB_PORT}/${database}`,
      REDIS_URL: redis.url,
      MEDUSA_DISABLE_TELEMETRY: "true",
      MEDUSA_ADMIN_DISABLED: "true",
      LOG_LEVEL: "info",
      MEUM_API_KEY: CLUSTER_API_KEY,
      MEUM_WEBHOOK_SECRET: CLUSTER_WEBHOOK_SECRET,
      MEUM_API_BASE_URL: sandbox.url,
      MEUM_RECONCILE_SCHEDULE: options.reconcileSchedule,
      MEUM_RECONCILE_DISABLED: "false",
      // jest's own variables must not leak into the store's processes
      NODE_OPTIONS: "",
    }
    delete baseEnv.JEST_WORKER_ID
    const run = (args: string[], env: NodeJS.ProcessEnv) => {
      const result = spawnSync(medusaBin, args, { cwd: root, env, encoding: "utf8", maxBuffer: 64 * 2 ** 20 })
      if (result.status !== 0) throw new Error(`medusa ${args.join(" ")} failed:\n${result.stdout}${result.stderr}`)
    }
    run(["db:migrate"], baseEnv)
    const seedFile = path.join(logDir, "seed.json")
    run(["exec", "./integration-tests/fixtures/seed-cluster-store.ts"], {
      ...baseEnv,
      CLUSTER_SEED_FILE: seedFile,
      CLUSTER_ADMIN_EMAIL: ADMIN_EMAIL,
      CLUSTER_ADMIN_PASSWORD: ADMIN_PASSWORD,
    })
    const seed = JSON.parse(fs.readFileSync(seedFile, "utf8")) as SeededStore

    const db = new Client({ connectionString: baseEnv.DATABASE_URL })
    await db.connect()
    cleanups.push(() => db.end())

    const started: MedusaProcess[] = []
    const counts = { server: 0, worker: 0 }
    let workersReachMeum = true
    const startProcess = async (mode: "server" | "worker"): Promise<MedusaProcess> => {
      const port: number = await freePort()
      const name = `${mode}-${counts[mode]++}`
      const gate = await startMeumGate(name, sandbox.url)
      cleanups.push(() => gate.stop())
      if (mode === "worker" && !workersReachMeum) gate.close()
      const child = startMedusaProcess({
        command: "start",
        port,
        logFile: path.join(logDir, `${name}-${port}.log`),
        env: { ...baseEnv, MEDUSA_WORKER_MODE: mode, MEUM_API_BASE_URL: gate.url },
      })
      const proc: MedusaProcess = { ...child, name, gate, url: `http://127.0.0.1:${port}` }
      started.push(proc)
      cleanups.push(() => proc.stop())
      await proc.ready
      return proc
    }
    const [serverA, serverB, worker] = await Promise.all([startProcess("server"), startProcess("server"), startProcess("worker")])
    sandbox.setWebhookEndpoints([`${serverA.url}/hooks/meum`, `${serverB.url}/hooks/meum`])

    const api = (server: MedusaProcess) =>
      axios.create({ baseURL: server.url, headers: { "x-publishable-api-key": seed.publishableKey }, validateStatus: () => true })

    return {
      servers: [serverA, serverB],
      workers: [worker],
      sandbox,
      seed,
      db,
      api,
      async adminHeaders(server) {
        const login = await axios.post(`${server.url}/auth/user/emailpass`, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })
        return { Authorization: `Bearer ${login.data.token}` }
      },
      startProcess,
      setWorkersReachMeum(reach) {
        workersReachMeum = reach
        for (const proc of started) if (proc.name.startsWith("worker-")) (reach ? proc.gate.open() : proc.gate.close())
      },
      logs: () =>
        started
          .map((proc) => `----- ${path.basename(proc.logFile)}\n${fs.existsSync(proc.logFile) ? fs.readFileSync(proc.logFile, "utf8").split("\n").slice(-60).join("\n") : ""}`)
          .join("\n"),
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
