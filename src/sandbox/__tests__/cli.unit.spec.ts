/** The sandbox as a command: starts, answers, stops cleanly on SIGTERM; switches from flags and env. */
import { spawn, type ChildProcess } from "node:child_process"
import path from "node:path"

const root = path.resolve(__dirname, "../../..")

/** The parent's environment without any MEUM_SANDBOX_* switch, plus the given variables. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TS_NODE_PROJECT: path.join(root, "tsconfig.json") }
  for (const name of Object.keys(env)) if (name.startsWith("MEUM_SANDBOX_")) delete env[name]
  return { ...env, ...extra }
}

// A test that fails while waiting must not leave its sandbox running (jest would never exit).
const spawned = new Set<ChildProcess>()
afterEach(() => {
  for (const child of spawned) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
  spawned.clear()
})

function spawnCli(args: string[], env: Record<string, string> = {}, secretArgs = ["--webhook-secret", "whsec_cli"]): ChildProcess & { output: () => string } {
  const child = spawn(
    process.execPath,
    [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "src/sandbox/cli.ts", "sandbox", "--port", "0", ...secretArgs, ...args],
    { cwd: root, env: childEnv(env) }
  )
  spawned.add(child)
  let output = ""
  child.stdout.on("data", (chunk) => (output += chunk))
  child.stderr.on("data", (chunk) => (output += chunk))
  return Object.assign(child, { output: () => output })
}

function listening(child: ReturnType<typeof spawnCli>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const check = () => {
      const match = /listening on (http:\/\/\S+)/.exec(child.output())
      if (match) {
        child.stdout!.off("data", check)
        resolve(match[1])
      }
    }
    child.stdout!.on("data", check)
    child.once("exit", (code) => reject(new Error(`sandbox exited early (${code}): ${child.output()}`)))
  })
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  child.kill("SIGTERM")
  return exited
}

async function settingsOf(args: string[], env: Record<string, string> = {}) {
  const child = spawnCli(args, env)
  try {
    const url = await listening(child)
    return await (await fetch(`${url}/sandbox/settings`)).json()
  } finally {
    await stop(child)
  }
}

it("starts from the command line, prints its URL without the key, serves /health and stops on SIGTERM", async () => {
  const child = spawnCli(["--api-key", "sk_live_cli_secret_key_77"])
  const url = await listening(child)
  const health = await fetch(`${url}/health`)
  expect(health.status).toBe(200)
  // No switch given: the defaults (the least convenient documented behaviours).
  expect(await (await fetch(`${url}/sandbox/settings`)).json()).toEqual({
    idStyle: "uuid",
    dedupe: "any",
    closedCheckoutUrl: "null",
    statusBody: "minimal",
    createResponse: "landing",
    outputAsset: "nep141:sol-c800a4bd850783ccb82c2b2c7e84175443606352.omft.near",
    payoutWalletConfigured: true,
  })
  expect(await stop(child)).toBe(0)
  expect(child.output()).not.toContain("sk_live_cli_secret_key_77")
  expect(child.output()).toContain("sk_live_cli_")
}, 30_000)

it("takes every switch as a flag", async () => {
  expect(
    await settingsOf([
      "--id-style", "inv",
      "--dedupe", "conflict",
      "--closed-checkout-url", "keep",
      "--status-body", "full",
      "--create-response", "full",
      "--output-asset", "USDC",
    ])
  ).toEqual(expect.objectContaining({
    idStyle: "inv",
    dedupe: "conflict",
    closedCheckoutUrl: "keep",
    statusBody: "full",
    createResponse: "full",
    outputAsset: "USDC",
  }))
}, 30_000)

it("takes the switches from the environment; flags win; --no-dedupe is the legacy --dedupe off", async () => {
  expect(
    await settingsOf(["--create-response", "landing", "--no-dedupe"], {
      MEUM_SANDBOX_ID_STYLE: "inv",
      MEUM_SANDBOX_CLOSED_CHECKOUT_URL: "keep",
      MEUM_SANDBOX_STATUS_BODY: "full",
      MEUM_SANDBOX_CREATE_RESPONSE: "full",
      MEUM_SANDBOX_OUTPUT_ASSET: "USDC",
      MEUM_SANDBOX_DEDUPE: "open",
    })
  ).toEqual(expect.objectContaining({
    idStyle: "inv",
    dedupe: "off",
    closedCheckoutUrl: "keep",
    statusBody: "full",
    createResponse: "landing",
    outputAsset: "USDC",
  }))
  expect(await settingsOf([], { MEUM_SANDBOX_DEDUPE: "open" })).toEqual(expect.objectContaining({ dedupe: "open" }))
}, 30_000)

it("refuses an unknown switch value with exit code 2", async () => {
  const child = spawnCli(["--dedupe", "sometimes"])
  const code = await new Promise<number | null>((resolve) => child.once("exit", (exitCode) => resolve(exitCode)))
  expect(code).toBe(2)
  expect(child.output()).toContain("--dedupe")
  expect(child.output()).toContain("any, open, off, conflict")
}, 30_000)

/** Output once the sandbox has printed what to paste (its last line names where webhooks go). */
async function startupOutput(args: string[], env: Record<string, string> = {}, secretArgs?: string[]): Promise<string> {
  const child = spawnCli(args, env, secretArgs)
  try {
    await listening(child)
    await new Promise<void>((resolve, reject) => {
      const check = () => /^Webhooks: .*$/m.test(child.output()) && resolve()
      check()
      child.stdout!.on("data", check)
      child.once("exit", (code) => reject(new Error(`sandbox exited early (${code}): ${child.output()}`)))
    })
    return child.output()
  } finally {
    await stop(child)
  }
}

it("prints the provider options to paste (apiBaseUrl, apiKey, webhookSecret) and where webhooks go", async () => {
  const output = await startupOutput(["--webhook-url", "http://localhost:9000/hooks/meum"], { MEUM_API_KEY: "", MEUM_WEBHOOK_SECRET: "" })
  const url = /listening on (http:\/\/\S+)/.exec(output)![1]
  expect(output).toContain(`apiBaseUrl: "${url}",`)
  expect(output).toContain(`apiKey: "sk_live_sandbox_key",`)
  expect(output).toContain(`webhookSecret: "whsec_cli",`)
  expect(output).toContain(`MEUM_API_BASE_URL=${url} MEUM_API_KEY=sk_live_sandbox_key MEUM_WEBHOOK_SECRET=whsec_cli`)
  expect(output).toMatch(/^Webhooks: http:\/\/localhost:9000\/hooks\/meum \(the plugin's route\)$/m)
}, 30_000)

it("never prints a key passed to it; names a webhook URL that is not /hooks/meum", async () => {
  const output = await startupOutput(["--api-key", "sk_live_cli_secret_key_77", "--webhook-url", "http://localhost:9000/hooks/payment/meum_meum"])
  expect(output).not.toContain("sk_live_cli_secret_key_77")
  expect(output).toContain("apiKey: process.env.MEUM_API_KEY, // the key you passed (sk_live_cli_…)")
  expect(output).toMatch(/^Webhooks: http:\/\/localhost:9000\/hooks\/payment\/meum_meum — not the plugin's \/hooks\/meum/m)
}, 30_000)

it("never prints a secret taken from the environment; without --webhook-url says which URL to pass", async () => {
  const output = await startupOutput([], { MEUM_API_KEY: "", MEUM_WEBHOOK_SECRET: "whsec_from_env_secret" }, [])
  expect(output).not.toContain("whsec_from_env_secret")
  expect(output).toContain("webhookSecret: process.env.MEUM_WEBHOOK_SECRET, // from your environment")
  expect(output).toMatch(/^Webhooks: none — pass --webhook-url http:\/\/localhost:9000\/hooks\/meum/m)
}, 30_000)
