// The one place that finds and checks loopback ports, for every harness (tests, benchmarks, demo).
"use strict"
const net = require("node:net")

/** A port the kernel just had free on 127.0.0.1 (closed again before it resolves). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** Whether nothing listens on the port (127.0.0.1). */
function portIsFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once("error", () => resolve(false))
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)))
  })
}

/** Rejects with `message` (default: names the port) when the port is taken. */
async function assertPortFree(port, message) {
  if (!(await portIsFree(port))) throw new Error(message ?? `port ${port} is already in use; choose another port`)
}

module.exports = { freePort, portIsFree, assertPortFree }
