// The one way this repo boots a Medusa store for tests, benchmarks and the demo: PostgreSQL
// (embedded, or the one the jest setup started) and Redis when asked, a database created,
// migrated and seeded, the Meum sandbox in this process, Medusa processes (one, or the cluster
// layout: servers behind a fail-over proxy and workers, each restarted when it dies), and one
// stop() that ends everything in reverse order. Every piece is optional: callers compose.
// Plain CommonJS with a .d.ts, so `node scripts/demo/run.js` and the TypeScript tests and
// benchmarks share it.
"use strict"
const fs = require("node:fs")
const path = require("node:path")
const { spawn } = require("node:child_process")
const { Client } = require("pg")
const { freePort } = require("./ports")
const { startEmbeddedPostgres } = require("./embedded-postgres")
const { startRedis } = require("./redis-server")
const { medusaBin, startMedusaProcess, superviseMedusaProcess } = require("./medusa-process")
const { startRoundRobinProxy } = require("./round-robin-proxy")

const root = path.resolve(__dirname, "../..")

/** A child's env: jest's own variables (worker id, --experimental-vm-modules) must not leak into Medusa. */
function medusaEnv(env) {
  const out = { ...env }
  if (out.JEST_WORKER_ID !== undefined) out.NODE_OPTIONS = ""
  delete out.JEST_WORKER_ID
  return out
}

/** Runs a command to its end; rejects with the tail of its output. */
function runToEnd(command, args, { cwd = root, env }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    const keep = (chunk) => {
      output = (output + chunk.toString()).slice(-16_000)
    }
    child.stdout.on("data", keep)
    child.stderr.on("data", keep)
    child.once("error", reject)
    child.once("exit", (code, signal) => {
      if (code === 0) resolve(output)
      else reject(new Error(`${path.basename(command)} ${args.join(" ")} failed with ${code ?? signal}:\n${output}`))
    })
  })
}

function createStoreHarness({ log = () => {} } = {}) {
  const cleanups = []
  const processes = []
  const defer = (cleanup) => cleanups.push(cleanup)

  const harness = {
    /** Runs `cleanup` on stop(), before what was started earlier. */
    defer,

    /**
     * PostgreSQL: embedded (own port or a free one; dataDir keeps it between runs), or, without
     * `embedded`, the server the DB_* variables name (the jest global setup's). `log` gets
     * PostgreSQL's own output.
     */
    async postgres({ embedded = false, port, dataDir, log: pgLog = () => {} } = {}) {
      if (!embedded) {
        const { DB_USERNAME, DB_PASSWORD, DB_HOST, DB_PORT } = process.env
        if (!DB_HOST) throw new Error("DB_HOST is not set: run inside the integration suite, or ask for an embedded PostgreSQL")
        return { port: Number(DB_PORT), url: (db) => `postgres://${DB_USERNAME}:${DB_PASSWORD}@${DB_HOST}:${DB_PORT}/${db}` }
      }
      const pg = await startEmbeddedPostgres({ port, dataDir, log: pgLog })
      defer(() => pg.stop())
      processes.push({ name: "postgres", role: "postgres", pid: pg.pid, port: pg.port })
      return pg
    },

    /** Creates the database (unless `reuse` and it exists); `created` says whether it is new. */
    async database(pg, name, { reuse = false } = {}) {
      const admin = new Client({ connectionString: pg.url("postgres") })
      await admin.connect()
      try {
        const exists = reuse && (await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount > 0
        if (!exists) await admin.query(`CREATE DATABASE "${name}"`)
        return { url: pg.url(name), created: !exists }
      } finally {
        await admin.end()
      }
    },

    /** A client on the database, closed on stop(). */
    async client(url) {
      const db = new Client({ connectionString: url })
      await db.connect()
      defer(() => db.end())
      return db
    },

    /** Debian's redis-server on a free port (or REDIS_URL's server, left alone). */
    async redis() {
      const redis = await startRedis({ log })
      defer(() => redis.stop())
      if (redis.pid) processes.push({ name: "redis", role: "redis", pid: redis.pid, port: redis.port })
      return redis
    },

    /** The Meum sandbox in this process (src/sandbox). */
    async sandbox(options) {
      const { startMeumSandbox } = require("../../src/sandbox")
      const sandbox = await startMeumSandbox(options)
      defer(() => sandbox.stop())
      return sandbox
    },

    /** `medusa <args>` to its end, from the repo root. */
    medusa(args, env) {
      return runToEnd(medusaBin, args, { env: medusaEnv(env) })
    },

    /** `medusa db:migrate`, then `medusa exec <script>` with `fileVar`=<file>; returns the file's JSON. */
    async migrateAndSeed({ env, script, file, fileVar, seedEnv = {} }) {
      await harness.medusa(["db:migrate"], env)
      await harness.medusa(["exec", script], { ...env, ...seedEnv, [fileVar]: file })
      return JSON.parse(fs.readFileSync(file, "utf8"))
    },

    /**
     * One Medusa process. `restart: true`: started again when it dies on its own (see
     * superviseMedusaProcess); stop()/kill() are final either way. Ended on stop().
     */
    startMedusa({ name, role = "server", command = "start", port, env, logFile, readyTimeoutMs, restart = false, onRestart }) {
      const options = { command, port, env: medusaEnv(env), logFile, readyTimeoutMs }
      const proc = restart ? superviseMedusaProcess({ ...options, name, log, onRestart }) : { name, ...startMedusaProcess(options) }
      const entry = { name, role, port, get pid() { return restart ? proc.pid : proc.child.pid } }
      processes.push(entry)
      defer(() => proc.stop())
      return proc
    },

    /** The fail-over round-robin proxy on `port` (a free one when omitted) over the servers' ports. */
    async proxy({ port, targets, pin, healthIntervalMs }) {
      const proxy = await startRoundRobinProxy({ port: port ?? (await freePort()), targets, pin, healthIntervalMs })
      defer(() => proxy.stop())
      return proxy
    },

    /**
     * The cluster layout: one server per entry of `servers`, one worker per entry of `workers`
     * (each entry: command, env, readyTimeoutMs on top of `env`), every process restarted when it
     * dies, the servers behind the proxy on `port`. `envFor(name, role)` may add env per process
     * (e.g. its own way to Meum). Resolves once the processes were spawned; `ready` once all answer.
     */
    async cluster({ env, port, servers = [{}, {}], workers = [{}], logDir, pin, envFor = async () => ({}), onRestart }) {
      const start = async (spec, role, index) => {
        const name = `${role}-${index}`
        const processPort = await freePort()
        return harness.startMedusa({
          name,
          role,
          command: spec.command ?? "start",
          port: processPort,
          env: { ...env, ...(await envFor(name, role)), MEDUSA_WORKER_MODE: role, ...spec.env },
          logFile: path.join(logDir, `medusa-${name}.log`),
          readyTimeoutMs: spec.readyTimeoutMs,
          restart: true,
          onRestart,
        })
      }
      const serverProcs = await Promise.all(servers.map((spec, index) => start(spec, "server", index)))
      const workerProcs = await Promise.all(workers.map((spec, index) => start(spec, "worker", index)))
      const proxy = await harness.proxy({ port, targets: serverProcs.map((proc) => proc.port), pin })
      processes.push({ name: "proxy", role: "proxy", pid: process.pid, port: proxy.port })
      return {
        servers: serverProcs,
        workers: workerProcs,
        proxy,
        url: `http://127.0.0.1:${proxy.port}`,
        ready: Promise.all([...serverProcs, ...workerProcs].map((proc) => proc.ready)).then(() => undefined),
      }
    },

    /** Every process started so far: name, role, pid (current, after restarts) and port. */
    processes: () => processes.map(({ name, role, pid, port }) => ({ name, role, pid, port })),

    /** Ends everything started, last first; errors are logged, not thrown. */
    async stop() {
      while (cleanups.length) {
        const cleanup = cleanups.pop()
        await Promise.resolve()
          .then(cleanup)
          .catch((error) => log(`stop: ${error?.message ?? error}`))
      }
    },
  }
  return harness
}

module.exports = { createStoreHarness, medusaEnv, runToEnd, freePort }
