// A minimal HTTP load balancer for the cluster layout (tests, demo and benchmarks): one public
// port, requests spread round-robin over the servers that answer, except paths matched by `pin`
// (e.g. the admin's /app, whose Vite dev server lives in one process only).
//
// A server that does not answer leaves the rotation: a refused connection marks it down at once
// and the request goes to the next server (it never reached the dead one, so this is safe for a
// POST too); a GET/HEAD on a kept-alive socket the server reset is retried the same way (Node's
// documented idiom; a POST is not: it may have been processed). A health check (GET /health every
// `healthIntervalMs`) takes a server out when it stops answering and back in once it answers again.
// Request bodies are buffered up to `maxBufferedBody` so they can be sent again; larger ones are
// streamed to one server, without fail-over.
"use strict"
const http = require("node:http")

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS"])

function startRoundRobinProxy({ port, host = "127.0.0.1", targets, pin = () => undefined, healthIntervalMs = 1000, maxBufferedBody = 16 * 2 ** 20 }) {
  let next = 0
  const up = new Map(targets.map((target) => [target, true]))
  const waiting = new Map() // target → resolvers of whenUp()
  const setUp = (target, isUp) => {
    up.set(target, isUp)
    if (!isUp) return
    for (const resolve of waiting.get(target) ?? []) resolve()
    waiting.delete(target)
  }
  const agent = new http.Agent({ keepAlive: true })

  /**
   * The pinned server if it is up, else the next server up in the rotation that was not tried for
   * this request; when none is up, any not tried yet (the health state lags a server that just
   * came back, and a refused connection costs nothing).
   */
  const pick = (url, tried) => {
    const pinned = pin(url)
    if (pinned !== undefined && up.get(pinned) && !tried.has(pinned)) return pinned
    for (const wanted of [true, false]) {
      for (let i = 0; i < targets.length; i++) {
        const target = targets[next++ % targets.length]
        if (up.get(target) === wanted && !tried.has(target)) return target
      }
    }
    return undefined
  }

  const unavailable = (res) => {
    if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" })
    res.end(JSON.stringify({ message: "upstream server unavailable" }))
  }

  const forward = (req, res, body, tried) => {
    const target = pick(req.url, tried)
    if (target === undefined) return unavailable(res)
    tried.add(target)
    const upstream = http.request(
      { host: "127.0.0.1", port: target, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
    )
    upstream.on("error", (error) => {
      if (res.headersSent) return res.destroy()
      const refused = error.code === "ECONNREFUSED"
      if (refused) setUp(target, false)
      const retry = body !== undefined && (refused || (upstream.reusedSocket && error.code === "ECONNRESET" && IDEMPOTENT.has(req.method)))
      if (retry) return forward(req, res, body, tried)
      unavailable(res)
    })
    if (body === undefined) req.pipe(upstream)
    else upstream.end(body)
  }

  const server = http.createServer((req, res) => {
    const length = Number(req.headers["content-length"] ?? 0)
    if (length > maxBufferedBody) return forward(req, res, undefined, new Set())
    const chunks = []
    req.on("data", (chunk) => chunks.push(chunk))
    req.on("end", () => forward(req, res, Buffer.concat(chunks), new Set()))
    req.on("error", () => res.destroy())
  })

  // Websocket upgrades (the admin's hot reload) go to the pinned server of their path.
  server.on("upgrade", (req, socket, head) => {
    const target = pick(req.url, new Set())
    if (target === undefined) return socket.destroy()
    const upstream = http.request({ host: "127.0.0.1", port: target, method: req.method, path: req.url, headers: req.headers })
    upstream.on("upgrade", (answer, upstreamSocket, upstreamHead) => {
      const lines = [`HTTP/1.1 ${answer.statusCode} ${answer.statusMessage}`]
      for (let i = 0; i < answer.rawHeaders.length; i += 2) lines.push(`${answer.rawHeaders[i]}: ${answer.rawHeaders[i + 1]}`)
      socket.write(lines.join("\r\n") + "\r\n\r\n")
      if (upstreamHead.length) socket.write(upstreamHead)
      if (head.length) upstreamSocket.write(head)
      upstreamSocket.pipe(socket).pipe(upstreamSocket)
    })
    upstream.on("error", () => socket.destroy())
    upstream.end()
  })

  const check = (target) =>
    new Promise((resolve) => {
      const probe = http.get({ host: "127.0.0.1", port: target, path: "/health", timeout: Math.max(healthIntervalMs, 1000), agent: false }, (answer) => {
        answer.resume()
        resolve(answer.statusCode === 200)
      })
      probe.on("timeout", () => probe.destroy(new Error("timeout")))
      probe.on("error", () => resolve(false))
    })
  let checking = false
  const timer = setInterval(async () => {
    if (checking) return
    checking = true
    await Promise.all(targets.map(async (target) => setUp(target, await check(target))))
    checking = false
  }, healthIntervalMs)
  timer.unref()

  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(port, host, () =>
      resolve({
        port: server.address().port,
        /** Whether the proxy currently routes to this server. */
        isUp: (target) => up.get(target) === true,
        /** Resolves once the proxy routes to this server (at once if it does). */
        whenUp: (target) =>
          up.get(target) ? Promise.resolve() : new Promise((done) => waiting.set(target, [...(waiting.get(target) ?? []), done])),
        stop: () =>
          new Promise((done) => {
            clearInterval(timer)
            server.close(() => done())
            server.closeAllConnections()
            agent.destroy()
          }),
      })
    )
  })
}

module.exports = { startRoundRobinProxy }
