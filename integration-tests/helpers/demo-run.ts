/**
 * `npm run demo` as the browser tests drive it: started on free ports, awaited until it printed
 * its URLs, stopped with Ctrl-C; Debian's Chromium through playwright-core; the shopper's path
 * from the demo storefront through Meum's hosted page to the order page.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process"
import path from "node:path"
import { chromium, type Browser, type Page } from "playwright-core"
import { freePort, portIsFree } from "../../scripts/lib/ports"
import { acquireRepoLock, ADMIN_DEV_SERVER_LOCK } from "./repo-lock"

const root = path.resolve(__dirname, "../..")

export { freePort, portIsFree }

/** Who listens on a port (ss's line, with the process), "" when nobody: says what a failed "port freed" check found. */
export function listenerOf(port: number): Promise<string> {
  return new Promise((resolve) =>
    execFile("ss", ["-Hltnp", `sport = :${port}`], (error, stdout) => resolve(error ? `(ss failed: ${error.message})` : stdout.trim()))
  )
}

export interface RunningDemo {
  child: ChildProcess
  ports: Record<"DEMO_PG_PORT" | "DEMO_MEDUSA_PORT" | "DEMO_SANDBOX_PORT" | "DEMO_STOREFRONT_PORT", number>
  output(): string
  /** Resolves with the first match of `pattern` in the demo's output from now on (or already in it, when `fromStart`). */
  waitForOutput(pattern: RegExp, options?: { fromStart?: boolean }): Promise<RegExpMatchArray>
  /** Ctrl-C; resolves with the exit code. */
  interrupt(): Promise<number | null>
}

export async function startDemo(extraEnv: Record<string, string> = {}): Promise<RunningDemo> {
  // The demo runs `medusa develop` (the admin's Vite) and owns .demo/: one demo or admin suite at a time.
  const release = await acquireRepoLock(ADMIN_DEV_SERVER_LOCK, (line) => process.stdout.write(`[demo] ${line}\n`))
  let ports: RunningDemo["ports"]
  try {
    ports = { DEMO_PG_PORT: await freePort(), DEMO_MEDUSA_PORT: await freePort(), DEMO_SANDBOX_PORT: await freePort(), DEMO_STOREFRONT_PORT: await freePort() }
  } catch (error) {
    release()
    throw error
  }
  const child = spawn(process.execPath, [path.join(root, "scripts/demo/run.js")], {
    cwd: root,
    env: { ...process.env, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])), MEUM_API_KEY: "", MEUM_WEBHOOK_SECRET: "", ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  })
  let output = ""
  const watchers: Array<() => void> = []
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  void exited.finally(release)
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString()
      for (const check of [...watchers]) check()
      if (output.includes("[demo] layout")) resolve()
    })
    child.stderr!.on("data", (chunk) => (output += chunk))
    void exited.then((code) => reject(new Error(`demo exited (${code}):\n${output}`)))
  })
  return {
    child,
    ports,
    output: () => output,
    waitForOutput: (pattern, { fromStart = false } = {}) =>
      new Promise((resolve, reject) => {
        const from = fromStart ? 0 : output.length
        const check = () => {
          const match = output.slice(from).match(pattern)
          if (!match) return
          watchers.splice(watchers.indexOf(check), 1)
          resolve(match)
        }
        watchers.push(check)
        void exited.then((code) => reject(new Error(`demo exited (${code}) before printing ${pattern}`)))
        check()
      }),
    interrupt: async () => {
      if (child.exitCode === null) child.kill("SIGINT")
      return exited
    },
  }
}

export function launchChromium(executablePath: string): Promise<Browser> {
  // playwright's launch() gives every run a fresh, empty user-data-dir of its own.
  return chromium.launch({
    executablePath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  })
}

/**
 * The demo's storefront (the reference Next.js app): product → add to cart → email → "Pay with
 * crypto" → Meum's hosted page → pay in full → back on the storefront's order confirmation.
 * Returns the order id.
 */
export async function buyWithCrypto(page: Page, storefrontUrl: string, screenshots?: { checkout: string; order: string }): Promise<string> {
  await page.goto(`${storefrontUrl}/us`)
  await page.getByTestId("add-to-cart").click()
  await page.waitForURL(`${storefrontUrl}/us/cart`)
  const email = page.getByTestId("email-input")
  if (await email.count()) await email.fill("demo-shopper@example.com")
  await page.getByTestId("pay-with-crypto").click()
  // Ids are opaque: UUIDs by default (landing page), inv_… by switch.
  await page.waitForURL(/\/pay\/[0-9a-z_-]+$/)
  await page.getByTestId("pay-full").waitFor()
  if (screenshots) await page.screenshot({ path: screenshots.checkout, fullPage: true })
  await page.getByTestId("pay-full").click()
  await page.waitForURL(/\/us\/order\/order_[0-9A-Z]+\/confirmed$/, { timeout: 60_000 })
  const orderId = await page.getByTestId("order-confirmed").getAttribute("data-order-id")
  if (screenshots) await page.screenshot({ path: screenshots.order, fullPage: true })
  if (!orderId) throw new Error("the order page shows no order id")
  return orderId
}
