/**
 * `DEMO_CLUSTER=1 npm run demo`: the same demo as two server processes and a worker on Redis,
 * behind the demo's Medusa port. A real browser buys the product; the order is placed; the store
 * API answers from both servers; Ctrl-C stops every process of the layout and frees its ports.
 */
import fs from "node:fs"
import path from "node:path"
import type { Browser } from "playwright-core"
import { buyWithCrypto, launchChromium, listenerOf, portIsFree, startDemo, type RunningDemo } from "../helpers/demo-run"

jest.setTimeout(10 * 60 * 1000)

const root = path.resolve(__dirname, "../..")
const CHROMIUM: string = require("../../scripts/lib/ensure-chromium").ensureChromium({ log: (line: string) => process.stdout.write(`${line}\n`) })

let demo: RunningDemo
let browser: Browser

beforeAll(async () => {
  demo = await startDemo({ DEMO_CLUSTER: "1" })
  browser = await launchChromium(CHROMIUM)
})

afterAll(async () => {
  await browser?.close()
  await demo?.interrupt()
})

interface ClusterLayout {
  kind: string
  servers: number[]
  workers: number[]
  redis: string
  proxy: number
}

it("runs the demo as two servers and a worker on Redis, and a shopper's crypto payment becomes an order", async () => {
  const demoInfo = JSON.parse(fs.readFileSync(path.join(root, ".demo", "demo.json"), "utf8"))
  const layout = demoInfo.layout as ClusterLayout
  expect(layout).toMatchObject({ kind: "cluster", proxy: demo.ports.DEMO_MEDUSA_PORT })
  expect(layout.servers).toHaveLength(2)
  expect(layout.workers).toHaveLength(1)
  expect(layout.redis).toMatch(/^redis:\/\//)
  expect(demo.output()).toMatch(/\[demo\] layout +cluster: 2 servers .* \+ 1 worker .* on Redis/)
  // Each server answers the store API on its own (the proxy only spreads the load).
  for (const port of layout.servers) {
    const res = await fetch(`http://127.0.0.1:${port}/store/regions`, { headers: { "x-publishable-api-key": demoInfo.publishable_key } })
    expect(res.status).toBe(200)
  }

  const orderId = await buyWithCrypto(await browser.newPage(), demoInfo.storefront)
  expect(orderId).toMatch(/^order_/)
})

interface DemoProcess {
  name: string
  role: string
  pid: number
  port: number
}
const demoProcesses = (): DemoProcess[] => JSON.parse(fs.readFileSync(path.join(root, ".demo", "demo.json"), "utf8")).processes

it("names each process's pid and port in demo.json, and starts a server that dies again while the store keeps answering", async () => {
  const demoInfo = JSON.parse(fs.readFileSync(path.join(root, ".demo", "demo.json"), "utf8"))
  const layout = demoInfo.layout as ClusterLayout
  const processes = demoProcesses()
  const byName = new Map(processes.map((proc) => [proc.name, proc]))
  expect([...byName.keys()]).toEqual(expect.arrayContaining(["postgres", "redis", "server-0", "server-1", "worker-0", "proxy", "storefront"]))
  expect(byName.get("postgres")!.port).toBe(demo.ports.DEMO_PG_PORT)
  expect(byName.get("redis")!.port).toBe(Number(new URL(layout.redis).port))
  expect([byName.get("server-0")!.port, byName.get("server-1")!.port]).toEqual(layout.servers)
  expect(byName.get("worker-0")!.port).toBe(layout.workers[0])
  expect(byName.get("proxy")!.port).toBe(demo.ports.DEMO_MEDUSA_PORT)
  for (const proc of processes) {
    expect(proc.pid).toBeGreaterThan(0)
    // Each named pid is alive (signal 0 only checks).
    expect(() => process.kill(proc.pid, 0)).not.toThrow()
  }

  const victim = byName.get("server-1")!
  const back = demo.waitForOutput(/server-1 is back \(pid (\d+), port (\d+)\)/)
  process.kill(-victim.pid, "SIGKILL")
  // The store API on the demo's port answers every request while the server is down.
  const statuses: number[] = []
  for (let i = 0; i < 8; i++) {
    const res = await fetch(`${demoInfo.store_api}/store/regions`, { headers: { "x-publishable-api-key": demoInfo.publishable_key } })
    statuses.push(res.status)
  }
  expect(statuses).toEqual(statuses.map(() => 200))
  const [, pid, port] = await back
  expect(Number(port)).toBe(victim.port)
  expect(Number(pid)).not.toBe(victim.pid)
  expect(demoProcesses().find((proc) => proc.name === "server-1")).toMatchObject({ pid: Number(pid), port: victim.port })
  const direct = await fetch(`http://127.0.0.1:${victim.port}/store/regions`, { headers: { "x-publishable-api-key": demoInfo.publishable_key } })
  expect(direct.status).toBe(200)
})

it("stops every process of the layout on Ctrl-C and frees its ports", async () => {
  const layout = JSON.parse(fs.readFileSync(path.join(root, ".demo", "demo.json"), "utf8")).layout as ClusterLayout
  expect(await demo.interrupt()).toBe(0)
  const redisPort = Number(new URL(layout.redis).port)
  for (const port of [...Object.values(demo.ports), ...layout.servers, ...layout.workers, redisPort]) {
    expect({ port, free: await portIsFree(port), listener: await listenerOf(port) }).toEqual({ port, free: true, listener: "" })
  }
})
