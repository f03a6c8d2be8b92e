// A throwaway Redis for tests, the cluster layout and the demo: Debian's redis-server on a free
// loopback port, no persistence. REDIS_URL set → that server is used and nothing is started.
// Missing binary: installed with apt-get when root on Debian, else a stop naming the command.
const fs = require("node:fs")
const { spawn, spawnSync } = require("node:child_process")
const { freePort } = require("./ports")

const INSTALL_COMMAND = "sudo apt-get update && sudo apt-get install -y redis-server"

function redisBinary(log) {
  const found = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).stdout.trim()
  if (found) return found
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0
  if (isRoot && spawnSync("sh", ["-c", "command -v apt-get"]).status === 0) {
    log("redis-server not found: installing Debian's redis-server with apt-get (once)…")
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" }
    const update = spawnSync("apt-get", ["update"], { env })
    const install = update.status === 0 ? spawnSync("apt-get", ["install", "-y", "redis-server"], { env, encoding: "utf8" }) : update
    if (install.status === 0 && fs.existsSync("/usr/bin/redis-server")) return "/usr/bin/redis-server"
  }
  throw new Error(`Redis is needed: install it with: ${INSTALL_COMMAND}  (or set REDIS_URL)`)
}

async function startRedis({ log = () => {} } = {}) {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => {} }
  const binary = redisBinary(log)
  const port = await freePort()
  const child = spawn(binary, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"], {
    stdio: ["ignore", "pipe", "pipe"],
  })
  await new Promise((resolve, reject) => {
    let output = ""
    const onData = (chunk) => {
      output += chunk
      if (/Ready to accept connections/i.test(output)) resolve()
    }
    child.stdout.on("data", onData)
    child.stderr.on("data", onData)
    child.once("exit", (code) => reject(new Error(`redis-server exited with code ${code}:\n${output}`)))
  })
  child.removeAllListeners("exit")
  const exited = new Promise((resolve) => child.once("exit", resolve))
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill("SIGTERM")
        await exited
      }
    },
  }
}

module.exports = { startRedis, INSTALL_COMMAND }
