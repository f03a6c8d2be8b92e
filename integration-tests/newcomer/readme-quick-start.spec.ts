/**
 * The newcomer's path, on a fresh machine: a brand-new Medusa app (see fresh-app.ts for why it is
 * not made by create-medusa-app), then the README's quick start followed as written — its commands
 * and its config snippet are read from README.md at test time (readme-quick-start.ts), not copied
 * here — with the packed tarball in place of the registry's `medusa-payment-meum` and free ports in
 * place of 9000 and 4010. It ends as step 7 says: a shopper pays on the sandbox's checkout page and
 * the signed webhook places the order without the shopper coming back.
 * On the way, the app (the newest Medusa, this repo's) gets the installed-package checks the tarball
 * test makes at the lowest supported one (package/installed-plugin-checks.ts): versions seen by the
 * plugin, every Medusa name it uses, every public export typed, its routes, its ledger tables.
 *
 * A command the README gains that this test does not know how to follow fails the test by name:
 * teach it here, or fix the README.
 */
import { spawn, type ChildProcess } from "node:child_process"
import fs from "node:fs"
import { createRequire } from "node:module"
import os from "node:os"
import path from "node:path"
import { createStoreHarness, freePort, medusaEnv, runToEnd } from "../../scripts/lib/store-harness"
import { waitUntil } from "../helpers/wait-until"
import { compileEveryExport, hookRouteInstalled, medusaNamesMissingInApp, medusaVersionsSeenByPlugin, pluginRouteAnswers } from "../package/installed-plugin-checks"
import { freshNpmInstall } from "../helpers/fresh-npm-install"
import { addToDefineConfig, writeFreshApp } from "./fresh-app"
import { readQuickStart, type QuickStartAction } from "./readme-quick-start"

jest.setTimeout(15 * 60 * 1000)

const root = path.resolve(__dirname, "../..")
const PACKAGE = "medusa-payment-meum"
const README_MEDUSA = "localhost:9000"
const README_SANDBOX_PORT = "4010"

/** A long-running command (the sandbox, the store) in its own process group, its output kept. */
function startLongRunning(command: string, { cwd, env, logFile }: { cwd: string; env: NodeJS.ProcessEnv; logFile: string }) {
  const child: ChildProcess = spawn("sh", ["-c", command], { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] })
  let output = ""
  const keep = (chunk: Buffer) => {
    output += chunk.toString()
    fs.appendFileSync(logFile, chunk)
  }
  child.stdout!.on("data", keep)
  child.stderr!.on("data", keep)
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  return {
    output: () => output,
    exitCode: () => child.exitCode,
    async stop() {
      try {
        process.kill(-child.pid!, "SIGTERM")
      } catch {}
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))])
      try {
        process.kill(-child.pid!, "SIGKILL") // `medusa develop` forks: nothing of the group may outlive the test
      } catch {}
    },
  }
}

describe("the README quick start, followed by a newcomer in a brand-new Medusa app", () => {
  const harness = createStoreHarness()
  let work: string
  const timings: string[] = []
  const timed = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
    const started = Date.now()
    try {
      return await fn()
    } finally {
      timings.push(`${label} ${((Date.now() - started) / 1000).toFixed(1)}s`)
    }
  }

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "meum-newcomer-"))
  })
  afterAll(async () => {
    await harness.stop()
    console.log(`newcomer quick start: ${timings.join(", ")}`)
    if (work) fs.rmSync(work, { recursive: true, force: true })
  })

  it("reads the quick start's steps, commands, config snippet and settings from README.md", () => {
    const actions = readQuickStart(path.join(root, "README.md"))
    const commands = actions.filter((action) => action.kind === "command").map((action) => action.text)
    // What a paid order needs (the test follows the README's order; this only catches a quick
    // start that lost a step, or starts the store before installing the package).
    const needed = [/^npm install medusa-payment-meum$/, /^npx medusa-payment-meum sandbox /, /^npx medusa db:migrate$/, /^npx medusa exec .*enable-meum/, /^npx medusa (develop|start)$/]
    const positions = needed.map((pattern) => commands.findIndex((command) => pattern.test(command)))
    expect(needed.filter((_, index) => positions[index] < 0).map(String)).toEqual([])
    expect(Math.min(...positions)).toBe(positions[0])
    expect(Math.max(...positions)).toBe(positions[needed.length - 1])
    expect(actions.filter((action) => action.kind === "snippet").map((action) => action.text)).toEqual([expect.stringMatching(/^plugins: [\s\S]*modules: /)])
  })

  it("ends with an order paid on the sandbox, placed by the signed webhook", async () => {
    const overall = Date.now()
    const actions = readQuickStart(path.join(root, "README.md"))
    const app = path.join(work, "my-medusa-store")
    const storefront = path.join(work, "my-storefront")
    const logs = path.join(work, "logs")
    fs.mkdirSync(logs, { recursive: true })

    // The tarball a registry install would fetch (CI builds before `npm test`; a bare checkout builds here).
    const tarball = await timed("pack", async () => {
      if (!fs.existsSync(path.join(root, ".medusa/server/src/scripts/enable-meum.js"))) await runToEnd("npm", ["run", "build"], { cwd: root, env: process.env })
      const packed = await runToEnd("npm", ["pack", "--pack-destination", work, "--silent"], { cwd: root, env: process.env })
      return path.join(work, packed.trim().split("\n").pop()!)
    })

    // The new app and its database, as create-medusa-app leaves them (migrated and seeded).
    const pg = await harness.postgres()
    const database = await harness.database(pg, `newcomer_${Date.now()}`)
    const db = await harness.client(database.url)
    writeFreshApp(app, { databaseUrl: database.url })
    // Children get a newcomer's environment: nothing of this repo's Meum settings or jest's.
    const env: NodeJS.ProcessEnv = medusaEnv(process.env)
    for (const name of Object.keys(env)) if (/^(MEUM_|DATABASE_URL$|LOG_LEVEL$|STORE_CORS$|PORT$)/.test(name)) delete env[name]
    env.NODE_OPTIONS = ""
    const npmInstall = ["install", "--prefer-offline", "--no-audit", "--no-fund"]
    // The app's own dependencies, in the tree a newcomer's `npm install` makes (fresh-npm-install.ts).
    await timed("new app: npm install", () => freshNpmInstall(app, env))
    const medusaBin = path.join(app, "node_modules/.bin/medusa")
    await timed("new app: migrate", () => runToEnd(medusaBin, ["db:migrate"], { cwd: app, env }))
    const seedFile = path.join(work, "seed.json")
    await timed("new app: seed", () => runToEnd(medusaBin, ["exec", "./src/scripts/seed.ts"], { cwd: app, env: { ...env, SEED_OUTPUT: seedFile } }))
    const seed = JSON.parse(fs.readFileSync(seedFile, "utf8"))
    // A storefront project that already talks to the store through the js-sdk.
    fs.mkdirSync(storefront, { recursive: true })
    fs.writeFileSync(path.join(storefront, "package.json"), JSON.stringify({ name: "my-storefront", private: true, dependencies: { "@medusajs/js-sdk": require(path.join(root, "package.json")).devDependencies["@medusajs/js-sdk"] } }))

    // The README's ports, made free ones on a shared CI machine.
    const medusaPort = await freePort()
    const sandboxPort = await freePort()
    const localize = (text: string) =>
      text
        .replaceAll(README_MEDUSA, `localhost:${medusaPort}`)
        .replaceAll(`--port ${README_SANDBOX_PORT}`, `--port ${sandboxPort}`)
        .replaceAll(`127.0.0.1:${README_SANDBOX_PORT}`, `127.0.0.1:${sandboxPort}`)
    const storeEnv = { ...env, PORT: String(medusaPort) }
    let sandbox: ReturnType<typeof startLongRunning> | undefined
    let installedChecks: Promise<void> | undefined
    // The installed package, as the tarball test checks it at the lowest Medusa (run beside the
    // next steps; the type-check file is written before the store starts, so no watcher sees it).
    const checkInstalledPackage = async () => {
      const newest: string = require("@medusajs/medusa/package.json").version
      const compiled = compileEveryExport(app, env)
      compiled.catch(() => {}) // awaited below
      expect(require(path.join(app, "node_modules/@medusajs/medusa/package.json")).version).toBe(newest)
      expect(hookRouteInstalled(app)).toBe(true)
      expect(await medusaVersionsSeenByPlugin(app, env)).toEqual({ "@medusajs/framework": newest, "@medusajs/core-flows": newest })
      const imports = await medusaNamesMissingInApp(app, env)
      expect(imports.missing).toEqual([])
      expect(imports.checked).toBeGreaterThan(10)
      await compiled
    }
    let store: ReturnType<typeof startLongRunning> | undefined

    const follow = async (action: QuickStartAction) => {
      const label = `step ${action.step}`
      if (action.kind === "snippet") {
        if (!/^plugins: /.test(action.text)) throw new Error(`${label}: a config snippet this test does not know where to put:\n${action.text}`)
        addToDefineConfig(app, localize(action.text))
        return
      }
      if (action.kind === "setting") {
        // The README tells the values the sandbox prints: they must be the ones it printed.
        const printed = /reads them from the environment: (.*)/.exec(sandbox?.output() ?? "")?.[1] ?? ""
        expect({ [action.name]: localize(action.value) }).toEqual({ [action.name]: new RegExp(`(^| )${action.name}=(\\S+)`).exec(printed)?.[2] })
        return
      }
      const command = localize(action.text)
      const cwd = action.where === "storefront" ? storefront : app
      if (/^npm install medusa-payment-meum$/.test(command)) {
        // The registry's package is this commit's tarball.
        await timed(`${label} ${action.where}: npm install`, () => runToEnd("npm", [...npmInstall, tarball], { cwd, env }))
        if (action.where === "store" && !installedChecks) {
          installedChecks = timed("installed-package checks", checkInstalledPackage)
          installedChecks.catch(() => {}) // awaited (and reported) once the store is up
        }
        return
      }
      if (action.where !== "store") throw new Error(`${label}: a storefront command this test does not know how to follow: ${command}`)
      if (/^npx medusa-payment-meum sandbox /.test(command)) {
        sandbox = startLongRunning(command, { cwd: app, env, logFile: path.join(logs, "sandbox.log") })
        harness.defer(() => sandbox!.stop())
        await timed(`${label} sandbox start`, () =>
          waitUntil(async () => /reads them from the environment: .*\n/.test(sandbox!.output()) || sandbox!.exitCode() !== null, { timeoutMs: 60_000, what: "the sandbox's printed options" })
        )
        const printed = /reads them from the environment: (.*)\n/.exec(sandbox.output())
        if (!printed) throw new Error(`${label}: the sandbox printed no options to paste:\n${sandbox.output()}`)
        expect(sandbox.output()).toContain(`http://localhost:${medusaPort}/hooks/meum (the plugin's route)`)
        // "put them in the store's .env"
        fs.appendFileSync(path.join(app, ".env"), printed[1].split(" ").join("\n") + "\n")
        return
      }
      if (/^npx medusa (develop|start)$/.test(command)) {
        store = startLongRunning(command, { cwd: app, env: storeEnv, logFile: path.join(logs, "medusa.log") })
        harness.defer(() => store!.stop())
        return // /health is awaited before the shopper arrives (the storefront install runs meanwhile)
      }
      if (/^npx medusa (db:migrate|exec) /.test(command) || command === "npx medusa db:migrate") {
        const output = await timed(`${label} ${command.split(" ").slice(0, 3).join(" ")}`, () => runToEnd("sh", ["-c", command], { cwd: app, env: storeEnv }))
        if (/enable-meum/.test(command)) expect(output).not.toMatch(/missing:/)
        if (command === "npx medusa db:migrate") {
          // The plugin's ledger module: registered by the plugins entry, its tables made by db:migrate, empty.
          const ledger = await db.query("SELECT (SELECT count(*) FROM meum_invoice)::int AS invoices, (SELECT count(*) FROM meum_webhook_event)::int AS deliveries")
          expect(ledger.rows).toEqual([{ invoices: 0, deliveries: 0 }])
        }
        return
      }
      throw new Error(`${label}: a command this test does not know how to follow: ${command}`)
    }
    for (const action of actions) await follow(action)

    // Step 7: the shopper, in the storefront, with the package's storefront entry and the js-sdk.
    const medusaUrl = `http://localhost:${medusaPort}`
    if (!store) throw new Error("the quick start never starts the store")
    await timed("store /health", () =>
      waitUntil(async () => {
        if (store!.exitCode() !== null) throw new Error(`the store exited:\n${store!.output().slice(-4000)}`)
        return fetch(`${medusaUrl}/health`).then((r) => r.ok, () => false)
      }, { timeoutMs: 180_000, what: `${medusaUrl}/health` })
    )
    if (!installedChecks) throw new Error("the quick start never installs the package in the store")
    await installedChecks
    const fromStorefront = createRequire(path.join(storefront, "package.json"))
    const Medusa = fromStorefront("@medusajs/js-sdk").default
    const { startMeumCheckout, completeMeumCheckout } = fromStorefront(`${PACKAGE}/storefront`)
    const sdk = new Medusa({ baseUrl: medusaUrl, publishableKey: seed.publishableKey })
    // Both providers are registered and, after enable-meum, offered in the region.
    const { payment_providers: offered } = await sdk.store.payment.listPaymentProviders({ region_id: seed.regionId })
    expect(offered.map((provider: { id: string }) => provider.id)).toEqual(expect.arrayContaining(["pp_meum_meum", "pp_system_default"]))
    const { cart } = await sdk.store.cart.create({ region_id: seed.regionId, email: "newcomer@example.com" })
    await sdk.store.cart.createLineItem(cart.id, { variant_id: seed.variantId, quantity: 1 })
    const { cart: withItem } = await sdk.store.cart.retrieve(cart.id)
    const returnUrl = `http://localhost:8000/checkout/meum-return?cart_id=${cart.id}`
    const started = await startMeumCheckout(sdk, withItem, { returnUrl })
    expect(started.checkoutUrl).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${sandboxPort}/pay/`))

    // The sandbox's hosted checkout page, then its "Pay in full" form; the shopper closes the tab.
    const page = await fetch(started.checkoutUrl)
    expect({ status: page.status, payButton: (await page.text()).includes('value="pay_full"') }).toEqual({ status: 200, payButton: true })
    const paid = await fetch(started.checkoutUrl, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "action=pay_full", redirect: "manual" })
    expect({ status: paid.status, location: paid.headers.get("location") }).toEqual({ status: 303, location: returnUrl })

    // The signed webhook reaches /hooks/meum and places the order (no shopper call completes the cart).
    const orderId = await timed("paid → order", () =>
      waitUntil(async () => (await db.query("SELECT order_id FROM order_cart WHERE cart_id = $1 AND deleted_at IS NULL", [cart.id])).rows[0]?.order_id as string | undefined, {
        timeoutMs: 60_000,
        what: "the order placed by the webhook",
      })
    )
    const payments = await db.query(
      `SELECT p.provider_id, p.captured_at IS NOT NULL AS captured, p.amount::numeric AS amount FROM payment p
       JOIN order_payment_collection opc ON opc.payment_collection_id = p.payment_collection_id WHERE opc.order_id = $1 AND p.deleted_at IS NULL`,
      [orderId]
    )
    expect(payments.rows).toEqual([{ provider_id: "pp_meum_meum", captured: true, amount: String(seed.unitPrice) }])
    // The sandbox's control API: the paid event went to the plugin's route, which took it (200, or
    // 202 when the order took longer than webhookResponseBudgetMs on a cold server).
    // The order is in the database a moment before /hooks/meum answers: wait for the answer to be recorded.
    type Delivery = { event_type: string; url: string; status_code: number | null }
    const paidDeliveries = await waitUntil(
      async () => {
        const deliveries = (await (await fetch(`http://127.0.0.1:${sandboxPort}/sandbox/deliveries`)).json()).data as Delivery[]
        const paid = deliveries.filter((delivery) => delivery.event_type === "invoice.paid")
        return paid.length > 0 && paid.every((delivery) => delivery.status_code !== null) ? paid : undefined
      },
      { timeoutMs: 30_000, what: "the sandbox's record of the answered invoice.paid delivery" }
    )
    expect(paidDeliveries.map(({ url, status_code }) => ({ url, accepted: status_code === 200 || status_code === 202 }))).toEqual([
      { url: `http://localhost:${medusaPort}/hooks/meum`, accepted: true },
    ])

    // The shopper comes back to the return page: the same order, not a second one.
    const outcome = await completeMeumCheckout(sdk, cart.id, { maxWaitMs: 10_000 })
    expect({ kind: outcome.kind, order: outcome.order?.id }).toEqual({ kind: "order", order: orderId })
    // The ledger knows the invoice and its paid delivery.
    const ledger = await db.query(
      `SELECT (SELECT count(*) FROM meum_invoice WHERE invoice_id = $1)::int AS invoices,
              (SELECT count(*) FROM meum_webhook_event WHERE invoice_id = $1 AND event_type = 'invoice.paid')::int AS paid_deliveries`,
      [started.invoiceId]
    )
    expect(ledger.rows).toEqual([{ invoices: 1, paid_deliveries: 1 }])
    // An unsigned webhook is refused by the plugin's handler (not 404: the route exists; not 5xx);
    // the plugin's admin route exists and sits behind Medusa's admin authentication.
    const routes = await pluginRouteAnswers(medusaUrl)
    expect({ ...routes, hookRefused: routes.unsignedHook >= 400 && routes.unsignedHook < 500 && routes.unsignedHook !== 404 }).toEqual({ ...routes, hookRefused: true, adminWithoutLogin: 401 })
    timings.push(`total ${((Date.now() - overall) / 1000).toFixed(1)}s`)
  })
})
