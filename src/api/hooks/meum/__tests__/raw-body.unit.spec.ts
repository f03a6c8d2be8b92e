/**
 * readRawBody never rejects and never hangs: the body, or why there is none (too large, aborted),
 * so the webhook route answers every such request through its rate-limited rejection path.
 */
import { createServer, request as httpRequest, type IncomingMessage } from "node:http"
import type { AddressInfo } from "node:net"
import { PassThrough } from "node:stream"
import { readRawBody } from "../route"

/** What the route reads (an IncomingMessage) and what the test writes into it (the PassThrough). */
type FakeRequest = IncomingMessage & Pick<PassThrough, "write" | "end"> & { rawBody?: unknown }

/** A request-like stream: a PassThrough with headers, as the route sees an IncomingMessage. */
const fakeRequest = (headers: Record<string, string> = {}, rawBody?: unknown): FakeRequest =>
  Object.assign(new PassThrough(), { headers, ...(rawBody === undefined ? {} : { rawBody }) }) as unknown as FakeRequest

describe("readRawBody", () => {
  it("returns the exact bytes of a normal body", async () => {
    const req = fakeRequest({ "content-length": "11" })
    const read = readRawBody(req, 100)
    req.end(Buffer.from("hello world"))
    await expect(read).resolves.toEqual({ ok: true, body: Buffer.from("hello world") })
  })

  it("returns an empty body when there is none", async () => {
    const req = fakeRequest({ "content-length": "0" })
    const read = readRawBody(req, 100)
    req.end()
    await expect(read).resolves.toEqual({ ok: true, body: Buffer.alloc(0) })
  })

  it("refuses a declared content-length over the limit without reading", async () => {
    const req = fakeRequest({ "content-length": "101" })
    await expect(readRawBody(req, 100)).resolves.toEqual({ ok: false, reason: "too_large" })
  })

  it("refuses a chunked body once it passes the limit, without waiting for its end", async () => {
    const req = fakeRequest({ "transfer-encoding": "chunked" })
    const read = readRawBody(req, 100)
    req.write(Buffer.alloc(60))
    req.write(Buffer.alloc(60)) // never ended: the answer must not wait for the rest
    await expect(read).resolves.toEqual({ ok: false, reason: "too_large" })
    // The stream keeps being drained (no listener left to buffer it).
    expect(req.listenerCount("data")).toBe(0)
  })

  it("resolves 'aborted' when the client goes away mid-body (error)", async () => {
    const req = fakeRequest({ "content-length": "50" })
    const read = readRawBody(req, 100)
    req.write(Buffer.alloc(10))
    req.destroy(Object.assign(new Error("aborted"), { code: "ECONNRESET" }))
    await expect(read).resolves.toEqual({ ok: false, reason: "aborted" })
  })

  it("resolves 'aborted' on an 'aborted' event or a close before the end", async () => {
    const aborted = fakeRequest({ "content-length": "50" })
    const first = readRawBody(aborted, 100)
    aborted.emit("aborted")
    await expect(first).resolves.toEqual({ ok: false, reason: "aborted" })

    const closed = fakeRequest({ "content-length": "50" })
    const second = readRawBody(closed, 100)
    closed.write(Buffer.alloc(10))
    closed.destroy() // 'close' without 'end' and without an error
    await expect(second).resolves.toEqual({ ok: false, reason: "aborted" })
  })

  it("uses bytes already read (rawBody), refusing them over the limit", async () => {
    await expect(readRawBody(fakeRequest({}, Buffer.from("{}")), 100)).resolves.toEqual({ ok: true, body: Buffer.from("{}") })
    await expect(readRawBody(fakeRequest({}, Buffer.alloc(101)), 100)).resolves.toEqual({ ok: false, reason: "too_large" })
  })

  it("resolves 'aborted' for a real request whose client goes away mid-body", async () => {
    let read: Promise<unknown> | undefined
    const server = createServer()
    const arrived = new Promise<void>((resolve) => {
      server.once("request", (req: IncomingMessage) => {
        read = readRawBody(req, 1000)
        resolve()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    try {
      const client = httpRequest({ port: (server.address() as AddressInfo).port, host: "127.0.0.1", method: "POST", headers: { "content-length": "500" } })
      client.on("error", () => undefined)
      client.write("x".repeat(100))
      await arrived
      client.destroy()
      await expect(read).resolves.toEqual({ ok: false, reason: "aborted" })
    } finally {
      server.close()
    }
  })

  it("does not wait on a stream already consumed without its bytes", async () => {
    const req = fakeRequest({ "content-length": "2" })
    req.resume()
    req.end(Buffer.from("{}"))
    await new Promise((resolve) => req.once("end", resolve))
    expect(req.readableEnded).toBe(true)
    await expect(readRawBody(req, 100)).resolves.toEqual({ ok: false, reason: "aborted" })
  })
})
