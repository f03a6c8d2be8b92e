/** The sandbox as a command: starts, answers, stops cleanly on SIGTERM. */
import { spawn } from "node:child_process"
import path from "node:path"

const root = path.resolve(__dirname, "../../..")

it("starts from the command line, prints its URL without the key, serves /health and stops on SIGTERM", async () => {
  const child = spawn(
    process.execPath,
    [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "src/sandbox/cli.ts", "sandbox", "--port", "0", "--webhook-secret", "whsec_cli", "--api-key", "sk_live_cli_secret_key_77"],
    { cwd: root, env: { ...process.env, TS_NODE_PROJECT: path.join(root, "tsconfig.json") } }
  )
  let output = ""
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk) => {
      output += chunk
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match) resolve(match[1])
    })
    child.stderr.on("data", (chunk) => (output += chunk))
    child.once("exit", (code) => reject(new Error(`sandbox exited early (${code}): ${output}`)))
  })
  const health = await fetch(`${url}/health`)
  expect(health.status).toBe(200)
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  child.kill("SIGTERM")
  expect(await exited).toBe(0)
  expect(output).not.toContain("sk_live_cli_secret_key_77")
  expect(output).toContain("sk_live_cli_")
}, 30_000)
