/**
 * The keep-alive agent for the benchmarks' requests to the store. Node's agent honours a server's
 * `Keep-Alive: timeout=5` (Medusa's, Node's default) — dropping an idle socket 1 s before the
 * server does — only when it has a timeout of its own; without one, a socket idle for ~5 s can be
 * reused just as the store closes it: ECONNRESET on a POST (what killed benchmark 4's cart setup).
 */
import http from "node:http"

export const storeAgent = (options: http.AgentOptions = {}): http.Agent => new http.Agent({ keepAlive: true, timeout: 30_000, ...options })
