/**
 * Bodies that never arrive whole (a client that aborts mid-body, a body over the limit) are unsigned
 * traffic: answered through the rate-limited rejection path (counted per reason and minute, at most
 * a warning line or two), never one "Meum will retry" error line per request. A 413 closes the
 * connection so Node does not go on reading a huge chunked body.
 */
import { PassThrough } from "node:stream"
import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { handleMeumWebhook } from "../route"
import type { MeumRegistration } from "../../../../lib/provider-registry"
import MeumLedgerService from "../../../../modules/meum-ledger/service"

const logs: string[] = []
const logger = {
  info: (message: string) => void logs.push(`info ${message}`),
  warn: (message: string) => void logs.push(`warn ${message}`),
  error: (message: string) => void logs.push(`error ${message}`),
}
const counted: Array<{ key: string; sample?: Record<string, unknown> }> = []
const scope = {
  resolve: (key: string) => {
    if (key === "logger") return logger
    if (key === "meumLedger") {
      // The ledger service's own rules, over a counter that records instead of writing SQL.
      return Object.assign(Object.create(MeumLedgerService.prototype), {
        incrementCounter: async (counterKey: string, _window: Date, sample?: Record<string, unknown>) => counted.push({ key: counterKey, sample }),
      })
    }
    throw new Error(`${key} is not registered in this test`)
  },
}

const registration = { providerId: "pp_meum_meum", registrationId: "meum" } as unknown as MeumRegistration

function request(headers: Record<string, string>) {
  return Object.assign(new PassThrough(), { headers, scope }) as unknown as MedusaRequest & PassThrough
}

function response() {
  const res = {
    statusCode: 0,
    body: undefined as unknown,
    headers: {} as Record<string, string>,
    status(code: number) {
      res.statusCode = code
      return res
    },
    json(body: unknown) {
      res.body = body
      return res
    },
    setHeader(name: string, value: string) {
      res.headers[name.toLowerCase()] = value
      return res
    },
  }
  return res
}

beforeEach(() => {
  logs.length = 0
  counted.length = 0
})

it("answers 400 body_aborted to clients that abort mid-body, counted, with bounded log lines", async () => {
  for (let i = 0; i < 20; i++) {
    const req = request({ "content-type": "application/json", "content-length": "5000", "x-stablecoin-signature": "v1=00" })
    const res = response()
    const handled = handleMeumWebhook(req, res as unknown as MedusaResponse, [registration])
    req.write(Buffer.alloc(100))
    req.destroy(Object.assign(new Error("aborted"), { code: "ECONNRESET" }))
    await handled
    expect(res.statusCode).toBe(400)
    expect(res.body).toEqual({ received: false, error: "body_aborted" })
  }
  expect(logs.filter((line) => line.startsWith("error"))).toEqual([])
  expect(logs.length).toBeLessThanOrEqual(2)
  expect(counted).toHaveLength(20)
  expect(counted[0].key).toBe("webhook_rejected:body_aborted:pp_meum_meum")
})

it("answers 413 body_too_large with Connection: close for a chunked body over the limit", async () => {
  const req = request({ "content-type": "application/json", "transfer-encoding": "chunked" })
  const res = response()
  const handled = handleMeumWebhook(req, res as unknown as MedusaResponse, [registration])
  for (let i = 0; i < 5; i++) req.write(Buffer.alloc(64 * 1024))
  await handled
  expect(res.statusCode).toBe(413)
  expect(res.body).toEqual({ received: false, error: "body_too_large" })
  expect(res.headers.connection).toBe("close")
  expect(counted.map((row) => row.key)).toEqual(["webhook_rejected:body_too_large:pp_meum_meum"])
})
