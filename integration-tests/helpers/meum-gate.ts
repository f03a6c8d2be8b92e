/**
 * A gate between one Medusa process of the cluster and the Meum sandbox: forwards every request,
 * naming the process in the Host header the sandbox logs (`server-1`, `worker-0`, …), and, while
 * closed, answers 503 itself — that process then cannot reach Meum (its job runs fail and retry
 * later), which is how a test decides which process may act, without timing assumptions.
 */
import http from "node:http"
import type { AddressInfo } from "node:net"

export interface MeumGate {
  /** The base URL the process uses as MEUM_API_BASE_URL. */
  url: string
  name: string
  open(): void
  close(): void
  stop(): Promise<void>
}

export async function startMeumGate(name: string, sandboxUrl: string): Promise<MeumGate> {
  const target = new URL(sandboxUrl)
  let isOpen = true
  const agent = new http.Agent({ keepAlive: true })
  const server = http.createServer((req, res) => {
    if (!isOpen) {
      req.resume()
      res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ error: { type: "api_error", code: "gate_closed", message: "closed by the test" } }))
      return
    }
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: name }, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
    )
    upstream.on("error", () => res.headersSent ? res.destroy() : res.writeHead(502).end())
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    name,
    open: () => void (isOpen = true),
    close: () => void (isOpen = false),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
        agent.destroy()
      }),
  }
}
