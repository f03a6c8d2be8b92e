/**
 * The webhook routes read their body themselves (middlewares.ts: bodyParser false): the exact
 * bytes, up to a limit, and nothing parsed before the signature is checked — Medusa's JSON parser
 * would parse every unsigned 250 kB body first (work before trust, issue 18.1).
 */
import type { IncomingMessage } from "node:http"

/** Meum's events are a few kB; 256 kB as before (the body parser's former sizeLimit). */
export const WEBHOOK_BODY_LIMIT_BYTES = 256 * 1024

/** The body's bytes, or undefined when it is larger than the limit (reading stops there). */
export function readRawBody(req: IncomingMessage & { rawBody?: unknown }, limit = WEBHOOK_BODY_LIMIT_BYTES): Promise<Buffer | undefined> {
  // Already read (a body parser configured with preserveRawBody): use those bytes.
  if (Buffer.isBuffer(req.rawBody)) return Promise.resolve(req.rawBody.length > limit ? undefined : req.rawBody)
  if (Number(req.headers["content-length"]) > limit) return Promise.resolve(undefined)
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        req.off("data", onData)
        // Node discards the rest once the answer is sent.
        resolve(undefined)
        return
      }
      chunks.push(chunk)
    }
    req.on("data", onData)
    req.once("end", () => resolve(size > limit ? undefined : Buffer.concat(chunks, size)))
    req.once("error", reject)
  })
}
