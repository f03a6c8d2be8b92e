// DEMO_CLUSTER=1: the demo's Medusa as a production layout on one machine — two server
// processes and one worker on Redis (event bus, workflow engine, locking, caching; see
// medusa-config.ts), behind a round-robin proxy on the demo's Medusa port, so the storefront,
// the admin and Meum's webhooks reach either server. The admin's dev server (`medusa develop`)
// lives in the first server only: /app is pinned to it.
//
// Why not `medusa start --cluster`: its worker-mode children listen on the shared port too but
// serve no API routes, so a share of the requests answer 404 (measured with Medusa 2.21).
"use strict"
const path = require("node:path")
const { startRedis } = require("../lib/redis-server")
const { startMedusaProcess } = require("../lib/medusa-process")
const { startRoundRobinProxy } = require("../lib/round-robin-proxy")
const { freePort } = require("../lib/embedded-postgres")

async function startDemoCluster({ env, port, demoDir, log }) {
  const cleanups = []
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve().then(cleanup).catch(() => {})
  }
  try {
    const redis = await startRedis({ log })
    cleanups.push(() => redis.stop())
    const clusterEnv = { ...env, REDIS_URL: redis.url }
    const [serverPortA, serverPortB, workerPort] = [await freePort(), await freePort(), await freePort()]
    const processes = [
      startMedusaProcess({ command: "develop", port: serverPortA, env: { ...clusterEnv, MEDUSA_WORKER_MODE: "server" }, logFile: path.join(demoDir, "medusa-server-1.log"), readyTimeoutMs: 600_000 }),
      startMedusaProcess({ command: "start", port: serverPortB, env: { ...clusterEnv, MEDUSA_WORKER_MODE: "server", MEDUSA_ADMIN_DISABLED: "true" }, logFile: path.join(demoDir, "medusa-server-2.log") }),
      startMedusaProcess({ command: "start", port: workerPort, env: { ...clusterEnv, MEDUSA_WORKER_MODE: "worker", MEDUSA_ADMIN_DISABLED: "true" }, logFile: path.join(demoDir, "medusa-worker.log") }),
    ]
    for (const proc of processes) cleanups.push(() => proc.stop())
    const proxy = await startRoundRobinProxy({
      port,
      targets: [serverPortA, serverPortB],
      pin: (url) => (url === "/app" || url.startsWith("/app/") || url.startsWith("/app?") ? serverPortA : undefined),
    })
    cleanups.push(() => proxy.stop())
    return {
      ready: Promise.all(processes.map((proc) => proc.ready)),
      describe: `2 servers (ports ${serverPortA}, ${serverPortB}) + 1 worker (port ${workerPort}) on Redis ${redis.url}, behind port ${port}`,
      layout: { servers: [serverPortA, serverPortB], workers: [workerPort], redis: redis.url, proxy: port },
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}

module.exports = { startDemoCluster }
