// `npm run demo`: PostgreSQL (embedded) → migrations (skipped when current) → idempotent seed →
// Meum sandbox → Medusa with the admin → the storefront (the reference Next.js storefront;
// DEMO_STOREFRONT=simple: the one-page demo storefront). Prints the URLs and writes them, with
// each process's pid and port, to .demo/demo.json. Ctrl-C stops everything it started. Ports:
// DEMO_PG_PORT, DEMO_MEDUSA_PORT, DEMO_SANDBOX_PORT, DEMO_STOREFRONT_PORT. With MEUM_API_KEY and
// MEUM_WEBHOOK_SECRET set, the real Meum is used instead of the sandbox. DEMO_STOREFRONT_ORIGINS
// (comma-separated): your own storefront's origin(s), allowed beside the demo's (scripts/demo/env.js).
// DEMO_CLUSTER=1: Medusa runs as two servers and a worker on Redis behind the same port, each
// restarted when it dies, the proxy routing around a server that does not answer. Everything is
// booted by the store harness (scripts/lib/store-harness.js), as in the tests and benchmarks.
"use strict"

require("ts-node").register({ transpileOnly: true })
const fs = require("node:fs")
const http = require("node:http")
const path = require("node:path")
const { assertPortFree } = require("../lib/ports")
const { createStoreHarness } = require("../lib/store-harness")
const { demoEnv } = require("./env")

const root = path.resolve(__dirname, "../..")
const demoDir = path.join(root, ".demo")
const ports = {
  postgres: Number(process.env.DEMO_PG_PORT || 54410),
  medusa: Number(process.env.DEMO_MEDUSA_PORT || 9110),
  sandbox: Number(process.env.DEMO_SANDBOX_PORT || 4010),
  storefront: Number(process.env.DEMO_STOREFRONT_PORT || 8110),
}
const PORT_VARIABLES = { postgres: "DEMO_PG_PORT", medusa: "DEMO_MEDUSA_PORT", sandbox: "DEMO_SANDBOX_PORT", storefront: "DEMO_STOREFRONT_PORT" }
const realMeum = Boolean(process.env.MEUM_API_KEY && process.env.MEUM_WEBHOOK_SECRET)
const storefrontKind = process.env.DEMO_STOREFRONT === "simple" ? "simple" : "reference"
const log = (line) => console.log(`[demo] ${line}`)
const harness = createStoreHarness({ log })
/** Processes the harness did not start (the storefront), for demo.json. */
const otherProcesses = []

async function main() {
  for (const [name, port] of Object.entries(ports)) {
    if (name === "sandbox" && realMeum) continue
    await assertPortFree(port, `the ${name} port ${port} is taken: set ${PORT_VARIABLES[name]}`)
  }
  fs.mkdirSync(demoDir, { recursive: true })
  const started = Date.now()

  const pg = await harness.postgres({ embedded: true, port: ports.postgres, dataDir: path.join(demoDir, "pg") })
  const database = await harness.database(pg, "medusa_demo", { reuse: true })

  const webhookSecret = process.env.MEUM_WEBHOOK_SECRET || "whsec_demo_sandbox_secret"
  const apiKey = process.env.MEUM_API_KEY || "sk_live_demo_sandbox_key"
  const storefrontUrl = `http://localhost:${ports.storefront}`
  const medusaUrl = `http://localhost:${ports.medusa}`
  const env = demoEnv({
    processEnv: process.env,
    ports,
    databaseUrl: database.url,
    apiKey,
    webhookSecret,
    meumApiBaseUrl: realMeum ? process.env.MEUM_API_BASE_URL || "" : `http://127.0.0.1:${ports.sandbox}`,
  })

  // The reference storefront is installed and built before `medusa develop` starts: its watcher
  // (every file of the repo but dot folders and the top node_modules) would restart Medusa on
  // each file npm and Next write under reference-storefront/. It needs no database, so it is
  // prepared while the migrations and the seed run (awaited before Medusa starts).
  const reference = storefrontKind === "reference" ? require("../../integration-tests/helpers/reference-storefront") : undefined
  const storefrontPrepared = reference
    ? reference.prepareReferenceStorefront({ log: (line) => log(line.replace(/^\[reference-storefront\] /, "storefront: ")) })
    : Promise.resolve()
  storefrontPrepared.catch(() => {}) // awaited below; a failure there stops the demo

  const medusaVersion = require("@medusajs/medusa/package.json").version
  // The plugin's own migrations (its ledger module) count too: a demo database made by an earlier
  // release is migrated again when the plugin ships a new migration.
  const pluginMigrations = fs
    .readdirSync(path.join(root, "src", "modules"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const dir = path.join(root, "src", "modules", entry.name, "migrations")
      return fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => /^Migration.*\.ts$/.test(name)) : []
    })
    .sort()
  const fingerprint = require("node:crypto").createHash("sha256").update(pluginMigrations.join("\n")).digest("hex").slice(0, 12)
  const marker = path.join(demoDir, `migrated-${medusaVersion}-${fingerprint}`)
  if (!fs.existsSync(marker) || database.created) {
    log("running migrations (first run, or new migrations)…")
    await harness.medusa(["db:migrate"], env)
    fs.writeFileSync(marker, new Date().toISOString())
  }
  // The seed lives in the persistent database next to seed.json: a second run skips the
  // `medusa exec` boot (several seconds) unless either is missing, or the seed predates the
  // delivery option.
  const seedFile = path.join(demoDir, "seed.json")
  const savedSeed = fs.existsSync(seedFile) ? JSON.parse(fs.readFileSync(seedFile, "utf8")) : undefined
  if (!savedSeed?.shippingOptionId || database.created) {
    log("seeding…")
    await harness.medusa(["exec", "./scripts/demo/seed.ts"], env)
  }
  const adminEmail = "admin@meum.demo"
  const adminPassword = "meum-demo-password"
  const adminMarker = path.join(demoDir, "admin-user")
  if (!fs.existsSync(adminMarker) || database.created) {
    await harness.medusa(["user", "-e", adminEmail, "-p", adminPassword], env)
    fs.writeFileSync(adminMarker, adminEmail)
  }
  const seed = JSON.parse(fs.readFileSync(seedFile, "utf8"))

  let sandbox
  if (!realMeum) {
    sandbox = await harness.sandbox({
      port: ports.sandbox,
      host: "127.0.0.1",
      apiKeys: [apiKey],
      webhookSecret,
      webhookUrls: [`${medusaUrl}/hooks/meum`],
      webhookRetry: { baseDelayMs: 500, maxDelayMs: 5000 },
    })
  }

  await storefrontPrepared

  const demo = {
    storefront: storefrontUrl,
    admin: `${medusaUrl}/app`,
    admin_email: adminEmail,
    admin_password: adminPassword,
    store_api: medusaUrl,
    sandbox: sandbox ? sandbox.url : "real Meum",
    publishable_key: seed.publishableKey,
    region_id: seed.regionId,
    shipping_option_id: seed.shippingOptionId,
    layout: undefined,
    processes: [],
  }
  let ready = false
  const writeDemoJson = () => {
    demo.processes = [
      { name: "demo", role: sandbox ? "demo (sandbox, storefront proxy)" : "demo", pid: process.pid, port: sandbox ? ports.sandbox : null },
      ...harness.processes(),
      ...otherProcesses,
    ]
    if (ready) fs.writeFileSync(path.join(demoDir, "demo.json"), JSON.stringify(demo, null, 2))
  }

  // One process (`medusa develop`, admin included), or the production layout on Redis: two
  // servers (the first with the admin's dev server, /app pinned to it) and a worker behind the
  // demo's port. Why not `medusa start --cluster`: its worker-mode children listen on the shared
  // port too but serve no API routes, so a share of the requests answer 404 (Medusa 2.21).
  const cluster = process.env.DEMO_CLUSTER === "1"
  let medusaReady
  let describe
  if (cluster) {
    const redis = await harness.redis()
    const noAdmin = { env: { MEDUSA_ADMIN_DISABLED: "true" } }
    let adminPort
    const layout = await harness.cluster({
      env: { ...env, REDIS_URL: redis.url },
      port: ports.medusa,
      servers: [{ command: "develop", readyTimeoutMs: 600_000 }, noAdmin],
      workers: [noAdmin],
      logDir: demoDir,
      pin: (url) => (url === "/app" || url.startsWith("/app/") || url.startsWith("/app?") ? adminPort : undefined),
      onRestart: writeDemoJson,
    })
    adminPort = layout.servers[0].port
    const serverPorts = layout.servers.map((proc) => proc.port)
    const workerPorts = layout.workers.map((proc) => proc.port)
    medusaReady = layout.ready
    describe = `cluster: 2 servers (ports ${serverPorts.join(", ")}) + 1 worker (port ${workerPorts[0]}) on Redis ${redis.url}, behind port ${ports.medusa}`
    demo.layout = { kind: "cluster", servers: serverPorts, workers: workerPorts, redis: redis.url, proxy: ports.medusa }
  } else {
    fs.rmSync(path.join(demoDir, "medusa.log"), { force: true })
    const medusa = harness.startMedusa({ name: "medusa", command: "develop", port: ports.medusa, env, logFile: path.join(demoDir, "medusa.log"), readyTimeoutMs: 600_000 })
    medusaReady = medusa.ready
    describe = `one process (medusa develop) on port ${ports.medusa}`
    demo.layout = { kind: "single", servers: [ports.medusa] }
  }

  // The storefront: the reference Next.js app (reference-storefront/, installed and built on the
  // first run: ~25 s + ~50 s measured, then only when its sources change), or with
  // DEMO_STOREFRONT=simple the one-page storefront of demo-storefront/ (no build step).
  let storefrontReady
  if (reference) {
    storefrontReady = (async () => {
      const running = await reference.startReferenceStorefront({
        port: ports.storefront,
        // The Next server calls Medusa itself (server actions); the browser never does.
        medusaUrl: `http://127.0.0.1:${ports.medusa}`,
        publishableKey: seed.publishableKey,
        countryCode: "us",
        logFile: path.join(demoDir, "storefront.log"),
      })
      harness.defer(() => running.stop())
      otherProcesses.push({ name: "storefront", role: "storefront (next start)", pid: running.pid, port: ports.storefront })
    })()
  } else {
    startSimpleStorefront(seed, medusaUrl, storefrontUrl)
    storefrontReady = Promise.resolve()
  }

  await Promise.all([medusaReady, storefrontReady])
  ready = true
  writeDemoJson()
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  log(`storefront  ${demo.storefront}  (${storefrontKind === "reference" ? "reference Next.js storefront" : "one-page demo storefront"})`)
  log(`admin       ${demo.admin}  (${adminEmail} / ${adminPassword})`)
  log(`store API   ${demo.store_api}  (publishable key ${seed.publishableKey})`)
  log(`sandbox     ${demo.sandbox}`)
  log(`allowed storefront origins  ${env.STORE_CORS}`)
  log(`layout      ${describe}`)
  if (process.env.DEMO_EXIT_WHEN_READY === "1") await shutdown(0)
}

/** The one-page demo storefront (DEMO_STOREFRONT=simple): @medusajs/js-sdk + our helper, bundled for the browser. */
function startSimpleStorefront(seed, medusaUrl, storefrontUrl) {
  const storefrontConfig = { storeApi: medusaUrl, publishableKey: seed.publishableKey, regionId: seed.regionId, variantId: seed.variantId, unitPrice: seed.unitPrice }
  const bundle = require("esbuild").buildSync({
    entryPoints: [path.join(root, "demo-storefront", "app.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2020",
    write: false,
    logLevel: "silent",
  }).outputFiles[0].contents
  const storefront = http.createServer((req, res) => {
    const url = new URL(req.url, storefrontUrl)
    if (url.pathname === "/demo.json") return res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(storefrontConfig))
    if (url.pathname === "/app.js") return res.writeHead(200, { "Content-Type": "text/javascript" }).end(bundle)
    const file = url.pathname === "/" ? "index.html" : url.pathname.slice(1)
    const full = path.join(root, "demo-storefront", path.basename(file))
    if (!fs.existsSync(full)) return res.writeHead(404).end("not found")
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(fs.readFileSync(full))
  })
  storefront.listen(ports.storefront, "127.0.0.1")
  otherProcesses.push({ name: "storefront", role: "storefront (in the demo process)", pid: process.pid, port: ports.storefront })
  // close() waits for every open connection; a browser keeps some (even ones that never sent a
  // request) for as long as it runs, so they are cut instead of awaited.
  harness.defer(
    () =>
      new Promise((resolve) => {
        storefront.close(resolve)
        storefront.closeAllConnections()
      })
  )
}

let stopping = false
async function shutdown(code) {
  if (stopping) return
  stopping = true
  await harness.stop()
  process.exit(code)
}
process.on("SIGINT", () => shutdown(0))
process.on("SIGTERM", () => shutdown(0))
main().catch(async (error) => {
  console.error(`[demo] ${error.message}`)
  await shutdown(1)
})
