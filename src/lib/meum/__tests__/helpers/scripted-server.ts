/** A real HTTP server on 127.0.0.1 whose answers a test scripts, recording every request. */
import http from "node:http"
import type { AddressInfo } from "node:net"

export interface RecordedRequest {
  method: string
  url: string
  headers: http.IncomingHttpHeaders
  body: string
}

export type Answer =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | "hang"

export interface ScriptedServer {
  url: string
  requests: RecordedRequest[]
  connections: () => number
  /** Answers are consumed in order; the last one repeats. */
  answer: (...answers: Array<Answer | ((req: RecordedRequest) => Answer)>) => void
  close: () => Promise<void>
}

export async function startScriptedServer(): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = []
  let script: Array<Answer | ((req: RecordedRequest) => Answer)> = [{ status: 200, body: {} }]
  let connections = 0
  const sockets = new Set<import("node:net").Socket>()
  const server = http.createServer((req, res) => {
    let body = ""
    req.on("data", (chunk) => (body += chunk))
    req.on("end", () => {
      const recorded = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body }
      requests.push(recorded)
      const next = script.length > 1 ? script.shift()! : script[0]
      const answer = typeof next === "function" ? next(recorded) : next
      if (answer === "hang") return
      res.writeHead(answer.status, { "Content-Type": "application/json", ...answer.headers })
      res.end(answer.body === undefined ? "" : typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body))
    })
  })
  server.on("connection", (socket) => {
    connections++
    sockets.add(socket)
    socket.on("close", () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    connections: () => connections,
    answer: (...answers) => {
      script = answers
    },
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((socket) => socket.destroy())
        server.close(() => resolve())
      }),
  }
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
