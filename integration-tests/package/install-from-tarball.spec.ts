/**
 * Following only the README: pack the plugin, install the tarball into a freshly created
 * Medusa 2.21 app, register it as the README says, migrate, boot, and find pp_meum_meum.
 */
import { execFileSync, spawnSync } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { Client } from "pg"

jest.setTimeout(15 * 60 * 1000)

const root = path.resolve(__dirname, "../..")
const medusaVersion = require("@medusajs/medusa/package.json").version

const run = (command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) => {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8" })
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`)
  return result.stdout
}

it("installs from the packed tarball into a new Medusa app and registers pp_meum_meum", async () => {
  if (!fs.existsSync(path.join(root, ".medusa/server/src/storefront/index.d.ts"))) run("npm", ["run", "build"], root)
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "meum-store-"))
  const tarball = path.join(work, run("npm", ["pack", "--pack-destination", work, "--silent"], root).trim().split("\n").pop()!)
  const app = path.join(work, "store")
  fs.mkdirSync(path.join(app, "src"), { recursive: true })
  fs.writeFileSync(
    path.join(app, "package.json"),
    JSON.stringify({
      name: "fresh-store",
      private: true,
      dependencies: {
        "@medusajs/medusa": medusaVersion,
        "@medusajs/framework": medusaVersion,
        "@medusajs/cli": medusaVersion,
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
  fs.writeFileSync(
    path.join(app, "src", "list-providers.ts"),
    `import { Modules } from "@medusajs/framework/utils"
export default async function ({ container }: any) {
  const providers = await container.resolve(Modules.PAYMENT).listPaymentProviders({})
  console.log("PROVIDERS=" + JSON.stringify(providers.map((p: any) => p.id)))
  // The plugin's ledger module: registered by the plugins entry, its tables made by db:migrate.
  const ledger = container.resolve("meumLedger")
  console.log("LEDGER=" + JSON.stringify({ invoices: (await ledger.listMeumInvoices({})).length, deliveries: (await ledger.listMeumWebhookEvents({})).length }))
}
`
  )
  // Every public entry, typed: a strict TypeScript file that uses each export must compile.
  fs.writeFileSync(
    path.join(app, "src", "uses-every-export.ts"),
    `import { completeMeumCheckout, startMeumCheckout, MEUM_PROVIDER_ID, type MeumCompletion, type MeumCheckoutStart } from "medusa-payment-meum/storefront"
import { startMeumSandbox, type MeumSandbox, type MeumSandboxOptions } from "medusa-payment-meum/sandbox"
import { MeumClient, invoiceSchema, externalOrderIdCandidates, sessionStatusForInvoice, type Invoice } from "medusa-payment-meum/meum"
import { reconcileMeumSessionWorkflow } from "medusa-payment-meum/workflows"
import meumProvider from "medusa-payment-meum/providers/meum"

const outcome: MeumCompletion = { kind: "underpaid", message: "kept for the merchant" }
const started: MeumCheckoutStart | undefined = undefined
const options: MeumSandboxOptions = { webhookSecret: "whsec_x", dedupe: "any", idStyle: "uuid" }
const sandbox: Promise<MeumSandbox> | undefined = undefined
const client = new MeumClient({ apiKey: "sk_live_x" })
const invoice: Invoice = invoiceSchema.parse({ id: "a", amount: "1.00", currency: "USD" })
const status: string = sessionStatusForInvoice(invoice.status, "pay_first")
const ids: string[] = externalOrderIdCandidates("cart_1", "payses_1")
export const all = [outcome, started, options, sandbox, client, status, ids, startMeumCheckout, completeMeumCheckout, startMeumSandbox, reconcileMeumSessionWorkflow, meumProvider, MEUM_PROVIDER_ID]
`
  )
  run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], app)
  run(path.join(app, "node_modules/.bin/tsc"), ["--noEmit", "--strict", "--module", "Node16", "--moduleResolution", "Node16", "--target", "ES2021", "--esModuleInterop", "--skipLibCheck", "src/uses-every-export.ts"], app)

  const { DB_USERNAME, DB_PASSWORD, DB_HOST, DB_PORT } = process.env
  const database = `fresh_store_${Date.now()}`
  const admin = new Client({ user: DB_USERNAME, password: DB_PASSWORD, host: DB_HOST, port: Number(DB_PORT), database: "postgres" })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${database}`)
  await admin.end()
  const env = {
    ...process.env,
    DATABASE_URL: `postgres://${DB_USERNAME}:${DB_PASSWORD}@${DB_HOST}:${DB_PORT}/${database}`,
    MEDUSA_DISABLE_TELEMETRY: "true",
    MEUM_API_KEY: "sk_live_fresh_store_key",
    MEUM_WEBHOOK_SECRET: "whsec_fresh_store",
    NODE_OPTIONS: "",
  }
  const medusa = path.join(app, "node_modules/.bin/medusa")
  run(medusa, ["db:migrate"], app, env)
  const output = run(medusa, ["exec", "./src/list-providers.ts"], app, env)
  const providers = JSON.parse(/PROVIDERS=(.*)/.exec(output)![1])
  expect(providers).toEqual(expect.arrayContaining(["pp_meum_meum", "pp_system_default"]))
  expect(JSON.parse(/LEDGER=(.*)/.exec(output)![1])).toEqual({ invoices: 0, deliveries: 0 })
  // The plugin's own routes came with it.
  expect(fs.existsSync(path.join(app, "node_modules/medusa-payment-meum/.medusa/server/src/api/hooks/meum/route.js"))).toBe(true)

  // A storefront (no Medusa server in it) installs the package without pulling Medusa's server
  // packages in through the peers (they are optional), and the storefront entry loads.
  const storefront = path.join(work, "storefront")
  fs.mkdirSync(storefront)
  fs.writeFileSync(path.join(storefront, "package.json"), JSON.stringify({ name: "a-storefront", private: true, dependencies: { "medusa-payment-meum": `file:${tarball}` } }))
  run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], storefront)
  expect(fs.existsSync(path.join(storefront, "node_modules/@medusajs/medusa"))).toBe(false)
  expect(fs.existsSync(path.join(storefront, "node_modules/@medusajs/framework"))).toBe(false)
  const loaded = run(process.execPath, ["-e", "const s = require('medusa-payment-meum/storefront'); console.log(typeof s.startMeumCheckout, typeof s.completeMeumCheckout)"], storefront)
  expect(loaded.trim()).toBe("function function")
  const sizeKb = Number(run("du", ["-sk", path.join(storefront, "node_modules")], storefront).split(/\s+/)[0])
  console.log(`storefront install of medusa-payment-meum: ${fs.readdirSync(path.join(storefront, "node_modules")).length} top-level packages, ${(sizeKb / 1024).toFixed(1)} MiB`)
  expect(sizeKb).toBeLessThan(60 * 1024)
  execFileSync("rm", ["-rf", work])
})
