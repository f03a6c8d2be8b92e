// One Medusa process (`medusa start`, `medusa develop`, …) in its own process group, its output in
// a log file: `ready` resolves once /health answers (rejects if it exits first), `stop()` ends the
// whole group with SIGTERM (Medusa forks), `kill()` with SIGKILL (no shutdown hooks run).
// Shared by the demo, the cluster test harness and the benchmarks.
"use strict"
const fs = require("node:fs")
const path = require("node:path")
const { spawn } = require("node:child_process")
const { endProcessGroup } = require("./process-group")

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
  let ended
  const end = (signal) =>
    (ended ??= (async () => {
      // The whole group, until its port is free: Medusa's CLI forks the server.
      await endProcessGroup(child, exited, signal)
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

/**
 * A Medusa process that is started again (same port, same env, same log file) when it dies on its
 * own — killed from outside, out of memory, a crash — the way a process manager (systemd,
 * Kubernetes, pm2) keeps a production layout whole. stop() and kill() are final: what the harness
 * ends on purpose stays down. More than `maxRestarts` restarts within a minute: it stays down and
 * says so (a process that cannot boot would otherwise loop).
 */
function superviseMedusaProcess({ name, log = () => {}, onRestart = () => {}, maxRestarts = 5, ...options }) {
  let current = startMedusaProcess(options)
  let final = false
  const restartTimes = []
  let restarts = 0
  let waiters = []
  const watch = (proc) => {
    void proc.exited.then(async ({ code, signal }) => {
      if (final || proc !== current) return
      // Forked children may still hold the port: end the whole group before starting again.
      await proc.kill()
      const now = Date.now()
      while (restartTimes.length && now - restartTimes[0] > 60_000) restartTimes.shift()
      if (final) return
      if (restartTimes.length >= maxRestarts) {
        log(`${name} (pid ${proc.child.pid}) exited (${signal ?? code}) ${maxRestarts} times within a minute: not restarting it`)
        return
      }
      restartTimes.push(now)
      restarts++
      log(`${name} (pid ${proc.child.pid}, port ${options.port}) exited (${signal ?? code}): restarting it`)
      current = startMedusaProcess(options)
      watch(current)
      const next = current
      next.ready.then(
        () => {
          if (next !== current) return
          // Callers' records (e.g. the demo's demo.json) first, then the line a watcher waits for.
          onRestart(supervised)
          log(`${name} is back (pid ${next.child.pid}, port ${options.port})`)
          const ready = waiters
          waiters = []
          for (const resolve of ready) resolve()
        },
        (error) => log(`${name} did not come back: ${error.message}`)
      )
    })
  }
  watch(current)
  const supervised = {
    name,
    port: options.port,
    logFile: options.logFile,
    /** The first start's readiness. */
    ready: current.ready,
    get pid() {
      return current.child.pid
    },
    get restarts() {
      return restarts
    },
    /** The current process's exit. */
    get exited() {
      return current.exited
    },
    /** Resolves once the next restart answers /health. */
    whenRestarted: () => new Promise((resolve) => waiters.push(resolve)),
    stop: () => {
      final = true
      return current.stop()
    },
    kill: () => {
      final = true
      return current.kill()
    },
  }
  return supervised
}

module.exports.superviseMedusaProcess = superviseMedusaProcess
