/**
 * The cluster layout's proxy, over real HTTP servers on loopback: a server that stops answering
 * leaves the rotation (every request still succeeds, a POST's body included), and comes back into
 * it once it answers /health again.
 */
import http from "node:http"
import type { AddressInfo } from "node:net"

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startRoundRobinProxy } = require(process.env.PROXY_UNDER_TEST ?? "../round-robin-proxy")

interface Backend {
  port: number
  close(): Promise<void>
}

function backend(name: string, port = 0): Promise<Backend> {
  const server = http.createServer((req, res) => {
    let body = ""
    req.on("data", (chunk) => (body += chunk))
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ name, path: req.url, body })))
  })
  return new Promise((resolve) =>
    server.listen(port, "127.0.0.1", () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done())
            server.closeAllConnections()
          }),
      })
    )
  )
}

async function call(url: string, init?: RequestInit) {
  const res = await fetch(url, init)
  return { status: res.status, body: res.status === 200 ? await res.json() : await res.text() }
}

const running: Array<{ close?: () => Promise<void>; stop?: () => Promise<void> }> = []
afterEach(async () => {
  for (const item of running.splice(0)) await (item.close ?? item.stop)!()
})

it("keeps answering every request from the servers left when one stops answering", async () => {
  const a = await backend("a")
  const b = await backend("b")
  running.push(b)
  const proxy = await startRoundRobinProxy({ port: 0, targets: [a.port, b.port], healthIntervalMs: 60_000 })
  running.push(proxy)
  const url = `http://127.0.0.1:${proxy.port}`
  const before = await Promise.all([call(`${url}/x`), call(`${url}/x`)])
  expect(before.map((r) => r.body.name).sort()).toEqual(["a", "b"])

  await a.close()
  const after = []
  for (let i = 0; i < 6; i++) after.push(await call(`${url}/store/regions`))
  for (let i = 0; i < 4; i++) after.push(await call(`${url}/store/carts`, { method: "POST", body: `{"n":${i}}`, headers: { "content-type": "application/json" } }))
  expect(after.map((r) => r.status)).toEqual(after.map(() => 200))
  expect(after.map((r) => r.body.name)).toEqual(after.map(() => "b"))
  // The body was sent again in full to the server that answered.
  expect(after.slice(6).map((r) => r.body.body)).toEqual(['{"n":0}', '{"n":1}', '{"n":2}', '{"n":3}'])
})

it("routes to a server again once it answers its health check", async () => {
  const a = await backend("a")
  const b = await backend("b")
  running.push(b)
  const proxy = await startRoundRobinProxy({ port: 0, targets: [a.port, b.port], healthIntervalMs: 50 })
  running.push(proxy)
  const url = `http://127.0.0.1:${proxy.port}`
  await a.close()
  await call(`${url}/x`)
  await call(`${url}/x`)
  expect(proxy.isUp(a.port)).toBe(false)

  const again = await backend("a-again", a.port)
  running.push(again)
  await proxy.whenUp(a.port)
  const names = new Set<string>()
  for (let i = 0; i < 4; i++) names.add((await call(`${url}/x`)).body.name)
  expect([...names].sort()).toEqual(["a-again", "b"])
})
