/**
 * What a Medusa app with the packed plugin installed must show, whatever made the app: shared by
 * the tarball test (the lowest supported Medusa) and the newcomer test (the newest, through the
 * README). Each check runs in the app's directory, against its node_modules.
 */
import fs from "node:fs"
import path from "node:path"
import { runToEnd } from "../../scripts/lib/store-harness"

/** The version of every @medusajs package the built plugin requires at run time, as resolved from the plugin in the app. */
export async function medusaVersionsSeenByPlugin(app: string, env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  const script = `const path = require("node:path"), fs = require("node:fs")
const out = {}
for (const [name, entry] of [["@medusajs/framework", "@medusajs/framework/utils"], ["@medusajs/core-flows", "@medusajs/core-flows"]]) {
  let dir = path.dirname(require.resolve(entry, { paths: [path.resolve("node_modules/medusa-payment-meum")] }))
  while (!fs.existsSync(path.join(dir, "package.json")) || require(path.join(dir, "package.json")).name !== name) dir = path.dirname(dir)
  out[name] = require(path.join(dir, "package.json")).version
}
console.log(JSON.stringify(out))`
  return JSON.parse(lastLine(await runToEnd(process.execPath, ["-e", script], { cwd: app, env })))
}

/**
 * Every name the built plugin takes from a @medusajs package, checked against what the app's
 * version exports (a name missing from a version would only fail when that code path runs).
 */
export async function medusaNamesMissingInApp(app: string, env: NodeJS.ProcessEnv): Promise<{ checked: number; missing: string[] }> {
  const script = `const path = require("node:path"), fs = require("node:fs")
const plugin = path.resolve("node_modules/medusa-payment-meum/.medusa/server/src")
const files = fs.readdirSync(plugin, { recursive: true }).filter((f) => f.endsWith(".js") && !f.startsWith("admin"))
const missing = [], checked = new Set()
for (const file of files) {
  const code = fs.readFileSync(path.join(plugin, file), "utf8")
  for (const [, binding, specifier] of code.matchAll(/const (\\w+) = (?:__importDefault\\()?require\\("(@medusajs\\/[^"]+)"\\)/g)) {
    const exported = require(require.resolve(specifier, { paths: [path.join(plugin, path.dirname(file))] }))
    for (const [, name] of code.matchAll(new RegExp("(?<![\\\\w$.])" + binding + "[.](\\\\w+)", "g"))) {
      checked.add(specifier + ":" + name)
      if (!(name in exported)) missing.push(specifier + ":" + name + " (" + file + ")")
    }
  }
}
console.log(JSON.stringify({ checked: checked.size, missing }))`
  return JSON.parse(lastLine(await runToEnd(process.execPath, ["-e", script], { cwd: app, env })))
}

/**
 * Every public entry, typed: a strict TypeScript file in the app that uses each export compiles
 * with the app's TypeScript (rejects with tsc's output otherwise).
 */
export async function compileEveryExport(app: string, env: NodeJS.ProcessEnv): Promise<void> {
  const dir = path.join(app, "meum-type-check")
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(
    path.join(dir, "uses-every-export.ts"),
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
  await runToEnd(
    path.join(app, "node_modules/.bin/tsc"),
    ["--noEmit", "--strict", "--module", "Node16", "--moduleResolution", "Node16", "--target", "ES2021", "--esModuleInterop", "--skipLibCheck", "meum-type-check/uses-every-export.ts"],
    { cwd: app, env }
  )
}

/** The plugin's routes on a running store: its webhook route refuses an unsigned delivery (4xx, not 404), its admin route asks for Medusa's admin login. */
export async function pluginRouteAnswers(base: string): Promise<{ unsignedHook: number; adminWithoutLogin: number }> {
  const hook = await fetch(`${base}/hooks/meum`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })
  const admin = await fetch(`${base}/admin/meum/invoices`)
  return { unsignedHook: hook.status, adminWithoutLogin: admin.status }
}

/** The built webhook route ships in the package. */
export const hookRouteInstalled = (app: string) => fs.existsSync(path.join(app, "node_modules/medusa-payment-meum/.medusa/server/src/api/hooks/meum/route.js"))

/** The script's JSON line (runToEnd's output also holds stderr, e.g. a runtime warning). */
const lastLine = (output: string) => output.trim().split("\n").filter((line) => line.startsWith("{")).pop() ?? output
