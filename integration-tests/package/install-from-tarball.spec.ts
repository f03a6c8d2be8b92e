/**
 * Following only the README: pack the plugin, install the tarball into a freshly created
 * Medusa app, register it as the README says, migrate, boot, and find pp_meum_meum.
 *
 * Here at the low end of the supported range: the lowest Medusa the peers allow (read from
 * package.json's peerDependencies, ">=2.17.2 <3"). The newest, the one in node_modules, is the
 * newcomer test's app (integration-tests/newcomer), which makes the same checks
 * (installed-plugin-checks.ts) on the way to a paid order. A storefront-style install (no Medusa
 * server) is checked once.
 */
import { spawn, spawnSync } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { Client } from "pg"
import { freePort } from "../../scripts/lib/ports"
import { freshNpmInstall } from "../helpers/fresh-npm-install"
import { compileEveryExport, hookRouteInstalled, medusaNamesMissingInApp, medusaVersionsSeenByPlugin, pluginRouteAnswers } from "./installed-plugin-checks"

jest.setTimeout(30 * 60 * 1000)

const root = path.resolve(__dirname, "../..")
const pkg = require(path.join(root, "package.json"))
const lowestFromPeers = /^>=(\d+\.\d+\.\d+) <3$/.exec(pkg.peerDependencies["@medusajs/medusa"])
const lowest = lowestFromPeers?.[1] ?? ""

const run = (command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) => {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`)
  return result.stdout
}
const timed = <T>(label: string, timings: string[], fn: () => T): T => {
  const started = Date.now()
  try {
    return fn()
  } finally {
    timings.push(`${label} ${((Date.now() - started) / 1000).toFixed(1)}s`)
  }
}
const sizeMiB = (dir: string) => Number(run("du", ["-sk", dir], dir).split(/\s+/)[0]) / 1024
// The repository's own TypeScript (a devDependency), so the storefront install stays as small
// as a real storefront's share of it.
const tsc = path.join(root, "node_modules/.bin/tsc")

let work: string
let tarball: string

beforeAll(() => {
  if (!fs.existsSync(path.join(root, ".medusa/server/src/storefront/index.d.ts"))) run("npm", ["run", "build"], root)
  work = fs.mkdtempSync(path.join(os.tmpdir(), "meum-store-"))
  tarball = path.join(work, run("npm", ["pack", "--pack-destination", work, "--silent"], root).trim().split("\n").pop()!)
})

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true })
})

it("declares the supported Medusa range in its peers, optional, the same for every @medusajs peer", () => {
  expect(lowest).toMatch(/^2\.\d+\.\d+$/)
  for (const name of Object.keys(pkg.peerDependencies)) {
    expect(pkg.peerDependencies[name]).toBe(`>=${lowest} <3`)
    expect(pkg.peerDependenciesMeta[name]).toEqual({ optional: true })
  }
})

describe.each([lowest])("a new Medusa %s store", (version) => {
  it("installs from the packed tarball, migrates, boots, serves the plugin's routes and registers pp_meum_meum", async () => {
    const timings: string[] = []
    const app = path.join(work, `store-${version}`)
    fs.mkdirSync(path.join(app, "src/api/fresh-store/providers"), { recursive: true })
    fs.writeFileSync(
      path.join(app, "package.json"),
      JSON.stringify({
        name: "fresh-store",
        private: true,
        dependencies: {
          "@medusajs/medusa": version,
          "@medusajs/framework": version,
          "@medusajs/cli": version,
          "medusa-payment-meum": `file:${tarball}`,
        },
        devDependencies: { "ts-node": "^10.9.2", typescript: "^5.9.0", "@swc/core": "^1.16.0" },
      })
    )
    // The README's registration, verbatim in substance.
    fs.writeFileSync(
      path.join(app, "medusa-config.ts"),
      `import { defineConfig } from "@medusajs/framework/utils"
module.exports = defineConfig({
  projectConfig: { databaseUrl: process.env.DATABASE_URL, http: { jwtSecret: "x", cookieSecret: "x", storeCors: "", adminCors: "", authCors: "" } },
  admin: { disable: true },
  plugins: [{ resolve: "medusa-payment-meum", options: {} }],
  modules: [{
    resolve: "@medusajs/medusa/payment",
    options: { providers: [{ resolve: "medusa-payment-meum/providers/meum", id: "meum",
      options: { apiKey: process.env.MEUM_API_KEY, webhookSecret: process.env.MEUM_WEBHOOK_SECRET } }] },
  }],
})
`
    )
    fs.writeFileSync(path.join(app, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "Node16", moduleResolution: "Node16", target: "ES2021", esModuleInterop: true, skipLibCheck: true } }))
    // The store's own route (read by the test once the server is up: one Medusa boot fewer than a
    // `medusa exec` script): what the payment module registered, and the plugin's ledger module.
    fs.writeFileSync(
      path.join(app, "src/api/fresh-store/providers/route.ts"),
      `import { Modules } from "@medusajs/framework/utils"
export async function GET(req: any, res: any) {
  const providers = await req.scope.resolve(Modules.PAYMENT).listPaymentProviders({})
  // The plugin's ledger module: registered by the plugins entry, its tables made by db:migrate.
  const ledger = req.scope.resolve("meumLedger")
  res.json({
    providers: providers.map((p: any) => p.id),
    ledger: { invoices: (await ledger.listMeumInvoices({})).length, deliveries: (await ledger.listMeumWebhookEvents({})).length },
  })
}
`
    )
    // The tree a newcomer's `npm install` makes (fresh-npm-install.ts: resolved from scratch, reified over hard links).
    const installStarted = Date.now()
    await freshNpmInstall(app, process.env)
    timings.push(`npm install ${((Date.now() - installStarted) / 1000).toFixed(1)}s`)
    const installed = require(path.join(app, "node_modules/@medusajs/medusa/package.json")).version
    expect(installed).toBe(version)
    // Every @medusajs package the built plugin requires at run time resolves from the store,
    // at the store's Medusa version (they come with @medusajs/medusa).
    expect(await medusaVersionsSeenByPlugin(app, process.env)).toEqual({ "@medusajs/framework": version, "@medusajs/core-flows": version })
    // Every name the built plugin takes from a @medusajs package exists in this version.
    const imports = await medusaNamesMissingInApp(app, process.env)
    expect(imports.missing).toEqual([])
    expect(imports.checked).toBeGreaterThan(10)
    // Every public entry, typed: a strict TypeScript file that uses each export must compile.
    const started = Date.now()
    await compileEveryExport(app, process.env)
    timings.push(`tsc ${((Date.now() - started) / 1000).toFixed(1)}s`)

    const { DB_USERNAME, DB_PASSWORD, DB_HOST, DB_PORT } = process.env
    const database = `fresh_store_${version.replace(/\W/g, "_")}_${Date.now()}`
    const admin = new Client({ user: DB_USERNAME, password: DB_PASSWORD, host: DB_HOST, port: Number(DB_PORT), database: "postgres" })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${database}`)
    await admin.end()
    const port = await freePort()
    const env = {
      ...process.env,
      DATABASE_URL: `postgres://${DB_USERNAME}:${DB_PASSWORD}@${DB_HOST}:${DB_PORT}/${database}`,
      MEDUSA_DISABLE_TELEMETRY: "true",
      MEUM_API_KEY: "sk_live_fresh_store_key",
      MEUM_WEBHOOK_SECRET: "whsec_fresh_store",
      NODE_OPTIONS: "",
      PORT: String(port),
    }
    const medusa = path.join(app, "node_modules/.bin/medusa")
    timed("db:migrate", timings, () => run(medusa, ["db:migrate"], app, env))
    // The plugin's own routes came with it.
    expect(hookRouteInstalled(app)).toBe(true)

    // Boot the HTTP server: the plugin's middlewares and routes load on this Medusa version.
    const booted = Date.now()
    const server = spawn(medusa, ["start", "--port", String(port)], { cwd: app, env, detached: true, stdio: ["ignore", "pipe", "pipe"] })
    let serverLog = ""
    server.stdout!.on("data", (chunk) => (serverLog += chunk))
    server.stderr!.on("data", (chunk) => (serverLog += chunk))
    try {
      const base = `http://localhost:${port}`
      let healthy = false
      while (!healthy && Date.now() - booted < 120_000 && server.exitCode === null) {
        healthy = await fetch(`${base}/health`).then((r) => r.ok, () => false)
        if (!healthy) await new Promise((resolve) => setTimeout(resolve, 250))
      }
      if (!healthy) throw new Error(`medusa start did not become healthy on Medusa ${version}:\n${serverLog}`)
      timings.push(`start→/health ${((Date.now() - booted) / 1000).toFixed(1)}s`)
      // Before any delivery reaches the store: both providers registered, the ledger empty.
      const registered = await (await fetch(`${base}/fresh-store/providers`)).json()
      expect(registered.providers).toEqual(expect.arrayContaining(["pp_meum_meum", "pp_system_default"]))
      expect(registered.ledger).toEqual({ invoices: 0, deliveries: 0 })
      // An unsigned webhook is refused by the plugin's handler (not 404: the route exists; not 5xx);
      // the plugin's admin route exists and sits behind Medusa's admin authentication.
      const routes = await pluginRouteAnswers(base)
      expect({ ...routes, hookRefused: routes.unsignedHook >= 400 && routes.unsignedHook < 500 && routes.unsignedHook !== 404 }).toEqual({ ...routes, hookRefused: true, adminWithoutLogin: 401 })
    } finally {
      try {
        process.kill(-server.pid!, "SIGTERM")
      } catch {}
      await new Promise((resolve) => (server.exitCode === null ? server.once("exit", resolve) : resolve(null)))
    }
    console.log(`Medusa ${version} store: ${timings.join(", ")}; node_modules ${sizeMiB(path.join(app, "node_modules")).toFixed(0)} MiB`)
    fs.rmSync(app, { recursive: true, force: true })
  })
})

it("installs into a storefront without Medusa's server packages, and its types resolve with moduleResolution node", () => {
  // A storefront (no Medusa server in it) installs the package without pulling Medusa's server
  // packages in through the peers (they are optional), and the storefront entry loads.
  const storefront = path.join(work, "storefront")
  fs.mkdirSync(path.join(storefront, "src"), { recursive: true })
  fs.writeFileSync(path.join(storefront, "package.json"), JSON.stringify({ name: "a-storefront", private: true, dependencies: { "medusa-payment-meum": `file:${tarball}` } }))
  run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], storefront)
  expect(fs.existsSync(path.join(storefront, "node_modules/@medusajs/medusa"))).toBe(false)
  expect(fs.existsSync(path.join(storefront, "node_modules/@medusajs/framework"))).toBe(false)
  expect(fs.existsSync(path.join(storefront, "node_modules/@medusajs/core-flows"))).toBe(false)
  const loaded = run(process.execPath, ["-e", "const s = require('medusa-payment-meum/storefront'); console.log(typeof s.startMeumCheckout, typeof s.completeMeumCheckout)"], storefront)
  expect(loaded.trim()).toBe("function function")
  const sizeKb = sizeMiB(path.join(storefront, "node_modules")) * 1024
  console.log(`storefront install of medusa-payment-meum: ${fs.readdirSync(path.join(storefront, "node_modules")).length} top-level packages, ${(sizeKb / 1024).toFixed(1)} MiB`)
  expect(sizeKb).toBeLessThan(60 * 1024)

  // The Next.js starters' tsconfig: "moduleResolution": "node" ignores package "exports", so the
  // subpath's types come from "typesVersions". Strict, and also without skipLibCheck.
  fs.writeFileSync(
    path.join(storefront, "src", "checkout.ts"),
    `import { startMeumCheckout, completeMeumCheckout, completeThenRedirect, meumRedirectUrl, isMeumCheckoutError, MEUM_PROVIDER_ID, type MeumCompletion } from "medusa-payment-meum/storefront"
const outcome: MeumCompletion = { kind: "underpaid", message: "kept for the merchant" }
const providerId: string = MEUM_PROVIDER_ID
export const all = [outcome, providerId, startMeumCheckout, completeMeumCheckout, completeThenRedirect, meumRedirectUrl, isMeumCheckoutError]
`
  )
  const compilerOptions = { target: "ES2017", lib: ["dom", "dom.iterable", "esnext"], strict: true, noEmit: true, esModuleInterop: true, module: "esnext", moduleResolution: "node", resolveJsonModule: true, isolatedModules: true, jsx: "preserve", types: [] }
  fs.writeFileSync(path.join(storefront, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["src"] }))
  run(tsc, ["-p", "tsconfig.json"], storefront)
  // The import really resolves to the package's declarations (an unresolved one would fail above,
  // but make the resolution visible).
  const trace = run(tsc, ["-p", "tsconfig.json", "--traceResolution"], storefront)
  expect(trace).toMatch(/'medusa-payment-meum\/storefront' was successfully resolved to '.*\.medusa\/server\/src\/storefront\/index\.d\.ts'/)
})
