/**
 * The webhook routes read their body themselves (middlewares.ts: bodyParser false): the exact
 * bytes, up to a limit, and nothing parsed before the signature is checked — Medusa's JSON parser
 * would parse every unsigned 250 kB body first (work before trust, issue 18.1).
 */
import type { IncomingMessage } from "node:http"

/** Meum's events are a few kB; 256 kB as before (the body parser's former sizeLimit). */
export const WEBHOOK_BODY_LIMIT_BYTES = 256 * 1024

/**
 * The body's bytes, or why there are none. Never rejects: a client that goes away mid-body is
 * unsigned traffic like any other and must reach the route's rate-limited rejection path, not
 * its "Meum will retry" error log (one line per request).
 */
export type RawBodyResult = { ok: true; body: Buffer } | { ok: false; reason: "too_large" | "aborted" }

const TOO_LARGE: RawBodyResult = { ok: false, reason: "too_large" }
const ABORTED: RawBodyResult = { ok: false, reason: "aborted" }

export function readRawBody(req: IncomingMessage & { rawBody?: unknown }, limit = WEBHOOK_BODY_LIMIT_BYTES): Promise<RawBodyResult> {
  // Already read (a body parser configured with preserveRawBody): use those bytes.
  if (Buffer.isBuffer(req.rawBody)) return Promise.resolve(req.rawBody.length > limit ? TOO_LARGE : { ok: true, body: req.rawBody })
  if (Number(req.headers["content-length"]) > limit) return Promise.resolve(TOO_LARGE)
  // Consumed by someone else without keeping the bytes, or already gone: 'end' / 'close' will not
  // come again, so waiting for them would hang the request. Nothing can be verified either.
  if (req.readableEnded || req.destroyed) return Promise.resolve(ABORTED)
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    let settled = false
    const settle = (result: RawBodyResult) => {
      if (settled) return
      settled = true
      req.off("data", onData)
      req.off("end", onEnd)
      req.off("aborted", onAborted)
      req.off("close", onAborted)
      // The 'error' listener stays (a no-op now): a stream other than IncomingMessage with no
      // listener left would throw its later error as an uncaught exception.
      resolve(result)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        // The stream stays flowing with no listener: the rest is discarded, not buffered; the
        // route answers 413 with Connection: close, so Node ends the connection after it.
        settle(TOO_LARGE)
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => settle({ ok: true, body: Buffer.concat(chunks, size) })
    // 'close' after 'end' finds the promise settled; before it, the body is incomplete.
    const onAborted = () => settle(ABORTED)
    req.on("data", onData)
    req.once("end", onEnd)
    req.on("error", onAborted)
    req.once("aborted", onAborted)
    req.once("close", onAborted)
  })
}
