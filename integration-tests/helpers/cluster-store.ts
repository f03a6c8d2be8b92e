/**
 * The production layout, for real (booted by scripts/lib/store-harness.js): one PostgreSQL (the
 * suite's), one Redis (started on a free port), two `medusa start` processes in server mode and
 * one in worker mode, all from this repo's medusa-config.ts with REDIS_URL set, a round-robin
 * proxy in front of the servers, and the Meum sandbox in the test process. A process that dies
 * on its own is started again (same port); one the test stops or kill()s stays down.
 *
 * Each process reaches the sandbox through its own gate (meum-gate.ts): the sandbox's request log
 * names the process that called (`server-0`, `server-1`, `worker-0`, …), and a test can cut one
 * process off Meum (e.g. keep the workers' reconcile job from acting while webhooks are tested).
 * Medusa's logs go to files under .cache/cluster/ (printed when a test fails, not otherwise).
 */
import fs from "node:fs"
import path from "node:path"
import axios, { type AxiosInstance } from "axios"
import type { Client } from "pg"
import type { MeumSandbox } from "../../src/sandbox"
import { freePort } from "../../scripts/lib/ports"
import { createStoreHarness, type Proxy, type SupervisedMedusaProcess } from "../../scripts/lib/store-harness"
import { startMeumGate, type MeumGate } from "./meum-gate"
import type { SeededStore } from "./seed-store"

const root = path.resolve(__dirname, "../..")
export const CLUSTER_API_KEY = "sk_live_cluster_test_key"
export const CLUSTER_WEBHOOK_SECRET = "whsec_cluster_test_secret"
const ADMIN_EMAIL = "cluster-admin@example.com"
const ADMIN_PASSWORD = "cluster-admin-password"

export interface MedusaProcess extends SupervisedMedusaProcess {
  /** server-0, server-1, worker-0, … — also the Host the sandbox logs for its calls. */
  name: string
  /** Its way to Meum: close() cuts it off (503), open() lets it through again. */
  gate: MeumGate
  url: string
}

export interface ClusterStore {
  servers: MedusaProcess[]
  workers: MedusaProcess[]
  /** The round-robin proxy in front of the servers (what a load balancer is in production). */
  proxy: Proxy
  sandbox: MeumSandbox
  seed: SeededStore
  db: Client
  /** The Redis every process shares (Medusa's locking, event bus and workflow engine). */
  redisUrl: string
  /** Storefront calls to one server, or through the proxy when none is named. */
  api(server?: MedusaProcess): AxiosInstance
  adminHeaders(server: MedusaProcess): Promise<Record<string, string>>
  /** One more process of the layout (e.g. a second worker). */
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
  const harness = createStoreHarness()
  try {
    const pg = await harness.postgres()
    const { url: databaseUrl } = await harness.database(pg, `cluster_${Date.now()}`)
    const redis = await harness.redis()
    const sandbox = await harness.sandbox({
      port: 0,
      host: "127.0.0.1",
      apiKeys: [CLUSTER_API_KEY],
      webhookSecret: CLUSTER_WEBHOOK_SECRET,
      rateLimit: { max: 100_000, windowMs: 60_000 },
      webhookRetry: { baseDelayMs: 200, maxDelayMs: 2_000 },
    })

    const logDir = options.logDir ?? path.join(root, ".cache", "cluster", String(Date.now()))
    fs.mkdirSync(logDir, { recursive: true })
    const baseEnv: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      MEDUSA_DISABLE_TELEMETRY: "true",
      MEDUSA_ADMIN_DISABLED: "true",
      LOG_LEVEL: "info",
      MEUM_API_KEY: CLUSTER_API_KEY,
      MEUM_WEBHOOK_SECRET: CLUSTER_WEBHOOK_SECRET,
      MEUM_API_BASE_URL: sandbox.url,
      MEUM_RECONCILE_SCHEDULE: options.reconcileSchedule,
      MEUM_RECONCILE_DISABLED: "false",
    }
    const seed = await harness.migrateAndSeed<SeededStore>({
      env: baseEnv,
      script: "./integration-tests/fixtures/seed-cluster-store.ts",
      file: path.join(logDir, "seed.json"),
      fileVar: "CLUSTER_SEED_FILE",
      seedEnv: { CLUSTER_ADMIN_EMAIL: ADMIN_EMAIL, CLUSTER_ADMIN_PASSWORD: ADMIN_PASSWORD },
    })
    const db = await harness.client(databaseUrl)

    // Each process reaches Meum through a gate of its own, named after it.
    const gates = new Map<string, MeumGate>()
    let workersReachMeum = true
    const gateFor = async (name: string) => {
      const gate = await startMeumGate(name, sandbox.url)
      harness.defer(() => gate.stop())
      if (name.startsWith("worker-") && !workersReachMeum) gate.close()
      gates.set(name, gate)
      return { MEUM_API_BASE_URL: gate.url }
    }
    const asProcess = (proc: SupervisedMedusaProcess): MedusaProcess =>
      Object.defineProperties(proc, {
        gate: { value: gates.get(proc.name)!, enumerable: true },
        url: { value: `http://127.0.0.1:${proc.port}`, enumerable: true },
      }) as MedusaProcess

    const layout = await harness.cluster({ env: baseEnv, logDir, envFor: gateFor })
    await layout.ready
    const started: MedusaProcess[] = [...layout.servers, ...layout.workers].map(asProcess)
    const [serverA, serverB, worker] = started
    sandbox.setWebhookEndpoints([`${serverA.url}/hooks/meum`, `${serverB.url}/hooks/meum`])

    let extraWorkers = layout.workers.length
    let extraServers = layout.servers.length
    const startProcess = async (mode: "server" | "worker"): Promise<MedusaProcess> => {
      const name = `${mode}-${mode === "server" ? extraServers++ : extraWorkers++}`
      const port = await freePort()
      const proc = harness.startMedusa({
        name,
        role: mode,
        port,
        restart: true,
        logFile: path.join(logDir, `medusa-${name}.log`),
        env: { ...baseEnv, ...(await gateFor(name)), MEDUSA_WORKER_MODE: mode },
      })
      const out = asProcess(proc)
      started.push(out)
      await out.ready
      return out
    }

    const api = (server?: MedusaProcess) =>
      axios.create({ baseURL: server?.url ?? layout.url, headers: { "x-publishable-api-key": seed.publishableKey }, validateStatus: () => true })

    return {
      servers: [serverA, serverB],
      workers: [worker],
      proxy: layout.proxy,
      redisUrl: redis.url,
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
      stop: () => harness.stop(),
    }
  } catch (error) {
    await harness.stop()
    throw error
  }
}
