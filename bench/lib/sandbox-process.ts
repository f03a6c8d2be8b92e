/** The Meum sandbox in its own process, so its growing invoice store is not counted in our RSS. */
import { spawn, type ChildProcess } from "node:child_process"
import path from "node:path"

const root = path.resolve(__dirname, "../..")

export async function startSandboxProcess(apiKey: string, webhookSecret: string, extraArgs: string[] = []): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      require.resolve("ts-node/dist/bin.js"),
      "--transpile-only",
      "src/sandbox/cli.ts",
      "sandbox",
      "--port", "0",
      "--webhook-secret", webhookSecret,
      "--api-key", apiKey,
      "--rate-limit", "100000000",
      ...extraArgs,
    ],
    { cwd: root, stdio: ["ignore", "pipe", "inherit"] }
  )
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = ""
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString()
      const match = /listening on (http:\/\/\S+)/.exec(buffer)
      if (match) {
        child.stdout!.off("data", onData)
        child.stdout!.resume() // keep draining the per-request log lines
        resolve(match[1])
      }
    }
    child.stdout!.on("data", onData)
    child.once("exit", (code) => reject(new Error(`sandbox exited (${code})`)))
  })
  return { url, child }
}
