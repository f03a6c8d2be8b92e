/**
 * The reference Next.js storefront (reference-storefront/) for the browser suite, and the Medusa
 * store it talks to.
 *
 * - prepareReferenceStorefront(): `npm install` in reference-storefront/ when its node_modules do
 *   not match its package-lock.json, then `next build` unless a build of the same sources exists
 *   (a hash of the app's files, its lockfile and the helper sources in src/storefront, written to
 *   .next/meum-build-hash). Both are timed and logged; one process at a time does them (a lock
 *   under .cache/), so a suite and the demo running side by side do not install over each other.
 * - startReferenceStorefront(): `next start` on a port, its own process group, env pointing at a
 *   Medusa store; resolves once it answers.
 * - startShopStore(): one `medusa start` (shared mode: API, subscribers and jobs in one process;
 *   in-process event bus, no Redis) from this repo's medusa-config.ts on the suite's PostgreSQL
 *   (a fresh database, migrated and seeded with integration-tests/fixtures/seed-cluster-store.ts),
 *   and the Meum sandbox in the test process with webhooks to the store's /hooks/meum. `restart()`
 *   starts the store again on the same port and database with other env (e.g. MEUM_ORDER_FIRST).
 *
 * Sites: the storefront is served as http://localhost:<port>, the sandbox's checkout page as
 * http://127.0.0.1:<port>. Different sites, so the SameSite=strict cart cookie is really not sent
 * on the way back from Meum's page (ports alone do not make sites differ).
 */
import { spawn, type ChildProcess } from "node:child_process"
import crypto from "node:crypto"
import fs from "node:fs"
import path from "node:path"
import type { Client } from "pg"
import type { MeumSandbox } from "../../src/sandbox"
import { freePort } from "../../scripts/lib/ports"
import { endProcessGroup } from "../../scripts/lib/process-group"
import { createStoreHarness, medusaEnv, runToEnd, type MedusaProcess } from "../../scripts/lib/store-harness"
import { withRepoLock } from "./repo-lock"
import type { SeededStore } from "./seed-store"

const root = path.resolve(__dirname, "../..")
export const STOREFRONT_DIR = path.join(root, "reference-storefront")
const HELPER_DIR = path.join(root, "src", "storefront")
const BUILD_MARKER = path.join(STOREFRONT_DIR, ".next", "meum-build-hash")
const INSTALL_MARKER = path.join(STOREFRONT_DIR, "node_modules", ".meum-install-hash")
const nextBin = path.join(STOREFRONT_DIR, "node_modules", "next", "dist", "bin", "next")

export const SHOP_API_KEY = "sk_live_reference_storefront_key"
export const SHOP_WEBHOOK_SECRET = "whsec_reference_storefront_secret"

type Log = (line: string) => void

/** The env of a child that must not inherit jest's (NODE_OPTIONS=--experimental-vm-modules, worker ids). */
const childEnv = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => medusaEnv({ ...process.env, NODE_OPTIONS: "", ...extra })

const sha256 = (data: string | Buffer) => crypto.createHash("sha256").update(data).digest("hex")

function listFiles(dir: string, skip: (rel: string) => boolean, base = dir): string[] {
  const out: string[] = []
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    const rel = path.relative(base, full)
    if (skip(rel)) continue
    if (entry.isDirectory()) out.push(...listFiles(full, skip, base))
    else if (entry.isFile()) out.push(full)
  }
  return out
}

/** What a build depends on: the app's sources and lockfile, and the helper sources it imports. */
export function storefrontSourceHash(): string {
  const appFiles = listFiles(STOREFRONT_DIR, (rel) => /^(node_modules|\.next)(\/|$)/.test(rel) || rel === "next-env.d.ts" || rel.endsWith(".tsbuildinfo") || rel.endsWith(".md"))
  const helperFiles = listFiles(HELPER_DIR, (rel) => rel.startsWith("__tests__"))
  const hash = crypto.createHash("sha256")
  for (const file of [...appFiles, ...helperFiles].sort()) {
    hash.update(path.relative(root, file)).update("\0").update(fs.readFileSync(file)).update("\0")
  }
  return hash.digest("hex")
}

/** Runs a command to its end (async, so the build and the store's migrations can overlap). */
const run = (command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) => runToEnd(command, args, { cwd, env }).then(() => undefined)

export interface PreparedStorefront {
  installMs: number | null
  buildMs: number | null
}

/**
 * One install/build at a time, across processes: the storefront suite and the demo (the browser
 * suites) may run side by side, and the second must find the first's node_modules and .next, not
 * write into them at the same time.
 */
const oneAtATime = <T>(log: Log, work: () => Promise<T>): Promise<T> =>
  withRepoLock("reference-storefront-prepare", (line) => log(`[reference-storefront] ${line}`), work)

/** Installs (when needed) and builds (when the sources changed) the reference storefront. */
export function prepareReferenceStorefront({ log = () => {} }: { log?: Log } = {}): Promise<PreparedStorefront> {
  return oneAtATime(log, () => prepare(log))
}

async function prepare(log: Log): Promise<PreparedStorefront> {
  const lockHash = sha256(fs.readFileSync(path.join(STOREFRONT_DIR, "package-lock.json")))
  let installMs: number | null = null
  const installed = fs.existsSync(nextBin) && fs.existsSync(INSTALL_MARKER) && fs.readFileSync(INSTALL_MARKER, "utf8") === lockHash
  if (!installed) {
    log("[reference-storefront] npm install …")
    const started = Date.now()
    await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], STOREFRONT_DIR, childEnv({}))
    installMs = Date.now() - started
    fs.writeFileSync(INSTALL_MARKER, lockHash)
    log(`[reference-storefront] npm install took ${(installMs / 1000).toFixed(1)} s`)
  } else {
    log("[reference-storefront] dependencies already installed")
  }

  let buildMs: number | null = null
  const sourceHash = storefrontSourceHash()
  const built = fs.existsSync(BUILD_MARKER) && fs.readFileSync(BUILD_MARKER, "utf8") === sourceHash
  if (!built) {
    log("[reference-storefront] next build …")
    const started = Date.now()
    await run(process.execPath, [nextBin, "build"], STOREFRONT_DIR, childEnv({ NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" }))
    buildMs = Date.now() - started
    // Hashed again: `next build` may rewrite tsconfig.json (it adds its type folders once).
    fs.writeFileSync(BUILD_MARKER, storefrontSourceHash())
    log(`[reference-storefront] next build took ${(buildMs / 1000).toFixed(1)} s`)
  } else {
    log("[reference-storefront] build is up to date (same sources)")
  }
  return { installMs, buildMs }
}

export interface RunningStorefront {
  /** http://localhost:<port> */
  url: string
  port: number
  /** `next start`'s pid (the leader of its process group). */
  pid: number
  logFile: string
  logs(): string
  stop(): Promise<void>
}

export interface StorefrontOptions {
  port: number
  medusaUrl: string
  publishableKey: string
  countryCode?: string
  /** "true" | "false"; unset: the storefront reads the mode from the Meum session's status. */
  orderFirst?: string
  extraEnv?: NodeJS.ProcessEnv
  logFile: string
}

/** `next start` of the built app. Resolves once it answers HTTP. */
export async function startReferenceStorefront(options: StorefrontOptions): Promise<RunningStorefront> {
  const url = `http://localhost:${options.port}`
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true })
  const out = fs.openSync(options.logFile, "a")
  const child = spawn(process.execPath, [nextBin, "start", "-p", String(options.port)], {
    cwd: STOREFRONT_DIR,
    detached: true,
    stdio: ["ignore", out, out],
    env: childEnv({
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      MEDUSA_BACKEND_URL: options.medusaUrl,
      NEXT_PUBLIC_MEDUSA_PUBLISHABLE_KEY: options.publishableKey,
      NEXT_PUBLIC_DEFAULT_REGION: options.countryCode ?? "us",
      NEXT_PUBLIC_BASE_URL: url,
      NEXT_PUBLIC_MEUM_ORDER_FIRST: options.orderFirst ?? "",
      ...options.extraEnv,
    }),
  })
  const exited = new Promise((resolve) => child.once("exit", resolve))
  let gone = false
  void exited.then(() => (gone = true))
  const logs = () => (fs.existsSync(options.logFile) ? fs.readFileSync(options.logFile, "utf8") : "")
  const stop = async () => {
    await endProcessGroup(child, exited, "SIGTERM")
    try {
      fs.closeSync(out)
    } catch {}
  }
  const deadline = Date.now() + 60_000
  for (;;) {
    if (gone) throw new Error(`next start exited during start:\n${logs().slice(-3000)}`)
    // Parsing fails → a redirect to the default country, without a call to Medusa.
    const status = await fetch(`${url}/api/meum/return`, { redirect: "manual" }).then((r) => r.status, () => 0)
    if (status > 0 && status < 500) break
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`next start did not answer within 60 s:\n${logs().slice(-3000)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return { url, port: options.port, pid: child.pid!, logFile: options.logFile, logs, stop }
}

export interface ShopStore {
  url: string
  port: number
  sandbox: MeumSandbox
  seed: SeededStore
  db: Client
  databaseUrl: string
  logDir: string
  /** Stops the store process and starts it again (same port, same database) with this env on top. */
  restart(env?: NodeJS.ProcessEnv): Promise<void>
  logs(): string
  stop(): Promise<void>
}

export interface ShopStoreOptions {
  /** Origins the store accepts in a session's data.return_url (MEUM_ALLOWED_RETURN_URL_ORIGINS) and STORE_CORS. */
  storefrontOrigin: string
  logDir: string
  env?: NodeJS.ProcessEnv
}

export async function startShopStore(options: ShopStoreOptions): Promise<ShopStore> {
  const harness = createStoreHarness()
  try {
    const pg = await harness.postgres()
    const { url: databaseUrl } = await harness.database(pg, `refsf_${Date.now()}`)

    // 127.0.0.1: the checkout_url's site differs from the storefront's (localhost).
    const sandbox = await harness.sandbox({
      port: 0,
      host: "127.0.0.1",
      apiKeys: [SHOP_API_KEY],
      webhookSecret: SHOP_WEBHOOK_SECRET,
      rateLimit: { max: 100_000, windowMs: 60_000 },
      webhookRetry: { baseDelayMs: 200, maxDelayMs: 2_000 },
    })

    fs.mkdirSync(options.logDir, { recursive: true })
    const baseEnv = childEnv({
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      MEDUSA_DISABLE_TELEMETRY: "true",
      MEDUSA_ADMIN_DISABLED: "true",
      MEDUSA_WORKER_MODE: "shared",
      LOG_LEVEL: "info",
      STORE_CORS: options.storefrontOrigin,
      MEUM_API_KEY: SHOP_API_KEY,
      MEUM_WEBHOOK_SECRET: SHOP_WEBHOOK_SECRET,
      MEUM_API_BASE_URL: sandbox.url,
      MEUM_ALLOWED_RETURN_URL_ORIGINS: options.storefrontOrigin,
      // The job would also place orders for paid invoices; the tests want to see what the
      // storefront and the webhook do.
      MEUM_RECONCILE_DISABLED: "true",
      ...options.env,
    })
    delete baseEnv.REDIS_URL
    const seed = await harness.migrateAndSeed<SeededStore>({
      env: baseEnv,
      script: "./integration-tests/fixtures/seed-cluster-store.ts",
      file: path.join(options.logDir, "seed.json"),
      fileVar: "CLUSTER_SEED_FILE",
      seedEnv: { CLUSTER_ADMIN_EMAIL: "storefront-admin@example.com", CLUSTER_ADMIN_PASSWORD: "storefront-admin-password" },
    })
    const db = await harness.client(databaseUrl)

    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    let proc: MedusaProcess | undefined
    const logFiles: string[] = []
    const start = async (env: NodeJS.ProcessEnv) => {
      const logFile = path.join(options.logDir, `medusa-${logFiles.length + 1}.log`)
      logFiles.push(logFile)
      proc = harness.startMedusa({ name: "store", port, logFile, env: { ...baseEnv, ...env } })
      await proc.ready
    }
    await start({})
    sandbox.setWebhookEndpoints([`${url}/hooks/meum`])

    return {
      url,
      port,
      sandbox,
      seed,
      db,
      databaseUrl,
      logDir: options.logDir,
      async restart(env = {}) {
        await proc?.stop()
        await start(env)
      },
      logs: () =>
        logFiles
          .map((file) => `----- ${path.basename(file)}\n${fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").slice(-80).join("\n") : ""}`)
          .join("\n"),
      stop: () => harness.stop(),
    }
  } catch (error) {
    await harness.stop()
    throw error
  }
}
