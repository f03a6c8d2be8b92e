#!/usr/bin/env node
// `npm run demo`: PostgreSQL (embedded) → migrations (skipped when current) → idempotent seed →
// Meum sandbox → Medusa with the admin → the storefront (the reference Next.js storefront;
// DEMO_STOREFRONT=simple: the one-page demo storefront). Prints the URLs and writes them to
// .demo/demo.json. Ctrl-C stops everything it started. Ports: DEMO_PG_PORT, DEMO_MEDUSA_PORT,
// DEMO_SANDBOX_PORT, DEMO_STOREFRONT_PORT. With MEUM_API_KEY and MEUM_WEBHOOK_SECRET set, the real
// Meum is used instead of the sandbox. DEMO_CLUSTER=1: Medusa runs as two servers and a worker on
// Redis behind the same port (scripts/demo/cluster.js).
"use strict"

require("ts-node").register({ transpileOnly: true })
const fs = require("node:fs")
const http = require("node:http")
const net = require("node:net")
const path = require("node:path")
const { spawnSync } = require("node:child_process")
const { Client } = require("pg")
const { startEmbeddedPostgres } = require("../lib/embedded-postgres")
const { startMeumSandbox } = require("../../src/sandbox")
const { startMedusaProcess } = require("../lib/medusa-process")
const { startDemoCluster } = require("./cluster")

const root = path.resolve(__dirname, "../..")
const demoDir = path.join(root, ".demo")
const medusaBin = path.join(root, "node_modules/.bin/medusa")
const ports = {
  postgres: Number(process.env.DEMO_PG_PORT || 54410),
  medusa: Number(process.env.DEMO_MEDUSA_PORT || 9110),
  sandbox: Number(process.env.DEMO_SANDBOX_PORT || 4010),
  storefront: Number(process.env.DEMO_STOREFRONT_PORT || 8110),
}
const realMeum = Boolean(process.env.MEUM_API_KEY && process.env.MEUM_WEBHOOK_SECRET)
const storefrontKind = process.env.DEMO_STOREFRONT === "simple" ? "simple" : "reference"
const cleanups = []
const log = (line) => console.log(`[demo] ${line}`)

function assertFree(name, port) {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once("error", () => reject(new Error(`the ${name} port ${port} is taken: set DEMO_${name.toUpperCase()}_PORT`)))
    server.listen(port, "127.0.0.1", () => server.close(resolve))
  })
}

function run(args, env) {
  const result = spawnSync(medusaBin, args, { cwd: root, env, encoding: "utf8" })
  if (result.status !== 0) throw new Error(`medusa ${args.join(" ")} failed:\n${result.stdout}${result.stderr}`)
  return result.stdout
}

async function main() {
  for (const [name, port] of Object.entries(ports)) {
    if (name === "sandbox" && realMeum) continue
    await assertFree(name, port)
  }
  fs.mkdirSync(demoDir, { recursive: true })
  const started = Date.now()

  const pg = await startEmbeddedPostgres({ port: ports.postgres, dataDir: path.join(demoDir, "pg") })
  cleanups.push(() => pg.stop())
  const admin = new Client({ connectionString: pg.url("postgres") })
  await admin.connect()
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'medusa_demo'")
  if (!exists.rowCount) await admin.query("CREATE DATABASE medusa_demo")
  await admin.end()

  const webhookSecret = process.env.MEUM_WEBHOOK_SECRET || "whsec_demo_sandbox_secret"
  const apiKey = process.env.MEUM_API_KEY || "sk_live_demo_sandbox_key"
  const storefrontUrl = `http://localhost:${ports.storefront}`
  const medusaUrl = `http://localhost:${ports.medusa}`
  const env = {
    ...process.env,
    DATABASE_URL: pg.url("medusa_demo"),
    PORT: String(ports.medusa),
    MEDUSA_DISABLE_TELEMETRY: "true",
    STORE_CORS: storefrontUrl,
    ADMIN_CORS: medusaUrl,
    AUTH_CORS: `${medusaUrl},${storefrontUrl}`,
    MEUM_API_KEY: apiKey,
    MEUM_WEBHOOK_SECRET: webhookSecret,
    MEUM_API_BASE_URL: realMeum ? process.env.MEUM_API_BASE_URL || "" : `http://127.0.0.1:${ports.sandbox}`,
    MEUM_ALLOWED_RETURN_URL_ORIGINS: storefrontUrl,
  }

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
  if (!fs.existsSync(marker)) {
    log("running migrations (first run, or new migrations)…")
    run(["db:migrate"], env)
    fs.writeFileSync(marker, new Date().toISOString())
  }
  // The seed lives in the persistent database next to seed.json: a second run skips the
  // `medusa exec` boot (several seconds) unless either is missing.
  const seedFile = path.join(demoDir, "seed.json")
  if (!fs.existsSync(seedFile) || !fs.existsSync(path.join(demoDir, "pg", "data", "PG_VERSION")) || !exists.rowCount) {
    log("seeding…")
    run(["exec", "./scripts/demo/seed.ts"], env)
  }
  const adminEmail = "admin@meum.demo"
  const adminPassword = "meum-demo-password"
  const adminMarker = path.join(demoDir, "admin-user")
  if (!fs.existsSync(adminMarker)) {
    run(["user", "-e", adminEmail, "-p", adminPassword], env)
    fs.writeFileSync(adminMarker, adminEmail)
  }
  const seed = JSON.parse(fs.readFileSync(path.join(demoDir, "seed.json"), "utf8"))

  let sandbox
  if (!realMeum) {
    sandbox = await startMeumSandbox({
      port: ports.sandbox,
      host: "127.0.0.1",
      apiKeys: [apiKey],
      webhookSecret,
      webhookUrls: [`${medusaUrl}/hooks/meum`],
      webhookRetry: { baseDelayMs: 500, maxDelayMs: 5000 },
    })
    cleanups.push(() => sandbox.stop())
  }

  // The reference storefront is installed and built before `medusa develop` starts: its watcher
  // (every file of the repo but dot folders and the top node_modules) would restart Medusa on
  // each file npm and Next write under reference-storefront/.
  const reference = storefrontKind === "reference" ? require("../../integration-tests/helpers/reference-storefront") : undefined
  if (reference) await reference.prepareReferenceStorefront({ log: (line) => log(line.replace(/^\[reference-storefront\] /, "storefront: ")) })

  // One process (`medusa develop`, admin included), or the production layout on Redis.
  const cluster = process.env.DEMO_CLUSTER === "1"
  let medusa
  if (cluster) {
    medusa = await startDemoCluster({ env, port: ports.medusa, demoDir, log })
  } else {
    fs.rmSync(path.join(demoDir, "medusa.log"), { force: true })
    medusa = startMedusaProcess({ command: "develop", port: ports.medusa, env, logFile: path.join(demoDir, "medusa.log"), readyTimeoutMs: 600_000 })
  }
  cleanups.push(() => medusa.stop())

  const demo = {
    storefront: storefrontUrl,
    admin: `${medusaUrl}/app`,
    admin_email: adminEmail,
    admin_password: adminPassword,
    store_api: medusaUrl,
    sandbox: sandbox ? sandbox.url : "real Meum",
    publishable_key: seed.publishableKey,
    region_id: seed.regionId,
    layout: cluster ? { kind: "cluster", ...medusa.layout } : { kind: "single", servers: [ports.medusa] },
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
      cleanups.push(() => running.stop())
    })()
  } else {
    startSimpleStorefront(seed, medusaUrl, storefrontUrl)
    storefrontReady = Promise.resolve()
  }

  await Promise.all([medusa.ready, storefrontReady])
  fs.writeFileSync(path.join(demoDir, "demo.json"), JSON.stringify(demo, null, 2))
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  log(`storefront  ${demo.storefront}  (${storefrontKind === "reference" ? "reference Next.js storefront" : "one-page demo storefront"})`)
  log(`admin       ${demo.admin}  (${adminEmail} / ${adminPassword})`)
  log(`store API   ${demo.store_api}  (publishable key ${seed.publishableKey})`)
  log(`sandbox     ${demo.sandbox}`)
  log(`layout      ${cluster ? `cluster: ${medusa.describe}` : `one process (medusa develop) on port ${ports.medusa}`}`)
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
  // close() waits for every open connection; a browser keeps some (even ones that never sent a
  // request) for as long as it runs, so they are cut instead of awaited.
  cleanups.push(
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
  for (const cleanup of cleanups.reverse()) {
    await Promise.resolve()
      .then(cleanup)
      .catch((error) => console.error(`[demo] cleanup: ${error.message}`))
  }
  process.exit(code)
}
process.on("SIGINT", () => shutdown(0))
process.on("SIGTERM", () => shutdown(0))
main().catch(async (error) => {
  console.error(`[demo] ${error.message}`)
  await shutdown(1)
})
