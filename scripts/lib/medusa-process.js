// One Medusa process (`medusa start`, `medusa develop`, …) in its own process group, its output in
// a log file: `ready` resolves once /health answers (rejects if it exits first), `stop()` ends the
// whole group with SIGTERM (Medusa forks), `kill()` with SIGKILL (no shutdown hooks run).
// Shared by the demo, the cluster test harness and the benchmarks.
"use strict"
const fs = require("node:fs")
const path = require("node:path")
const { spawn } = require("node:child_process")

const root = path.resolve(__dirname, "../..")
const medusaBin = path.join(root, "node_modules/.bin/medusa")

function startMedusaProcess({ command = "start", args = [], port, env, logFile, readyTimeoutMs = 180_000, cwd = root }) {
  fs.mkdirSync(path.dirname(logFile), { recursive: true })
  const out = fs.openSync(logFile, "a")
  const child = spawn(medusaBin, [command, ...args], {
    cwd,
    env: { ...env, PORT: String(port) },
    detached: true,
    stdio: ["ignore", out, out],
  })
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })))
  const signalGroup = (signal) => {
    try {
      process.kill(-child.pid, signal)
    } catch {}
  }
  let ended
  const end = (signal) =>
    (ended ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        signalGroup(signal)
        await exited
      } else {
        signalGroup(signal) // forked children may outlive the parent
      }
      try {
        fs.closeSync(out)
      } catch {}
    })())

  const ready = (async () => {
    const deadline = Date.now() + readyTimeoutMs
    let gone = false
    exited.then(() => (gone = true))
    while (Date.now() < deadline) {
      if (gone) throw new Error(`medusa ${command} on port ${port} exited during start (log: ${logFile})`)
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false)
      if (ok) return
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    throw new Error(`medusa ${command} on port ${port} did not answer /health within ${readyTimeoutMs / 1000} s (log: ${logFile})`)
  })()
  ready.catch(() => {})

  return { child, port, logFile, ready, exited, stop: () => end("SIGTERM"), kill: () => end("SIGKILL") }
}

module.exports = { startMedusaProcess, medusaBin }
