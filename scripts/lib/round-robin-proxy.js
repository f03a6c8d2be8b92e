// A minimal HTTP load balancer for the cluster layout (demo and benchmarks): one public port,
// requests spread round-robin over the servers, except paths matched by `pin` (e.g. the admin's
// /app, whose Vite dev server lives in one process only). Streams bodies; no buffering.
"use strict"
const http = require("node:http")

function startRoundRobinProxy({ port, host = "127.0.0.1", targets, pin = () => undefined }) {
  let next = 0
  const agent = new http.Agent({ keepAlive: true })
  const server = http.createServer((req, res) => {
    const target = pin(req.url) ?? targets[next++ % targets.length]
    const upstream = http.request(
      { host: "127.0.0.1", port: target, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
    )
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" })
      res.end(JSON.stringify({ message: "upstream server unavailable" }))
    })
    req.pipe(upstream)
  })
  // Websocket upgrades (the admin's hot reload) go to the pinned server of their path.
  server.on("upgrade", (req, socket, head) => {
    const target = pin(req.url) ?? targets[0]
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
  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(port, host, () =>
      resolve({
        port: server.address().port,
        stop: () =>
          new Promise((done) => {
            server.close(() => done())
            server.closeAllConnections()
            agent.destroy()
          }),
      })
    )
  })
}

module.exports = { startRoundRobinProxy }
