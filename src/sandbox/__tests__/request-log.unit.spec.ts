import { ApiRequestLog, type ApiRequest } from "../request-log"

const request = (path: string, host = "127.0.0.1:1"): ApiRequest => ({ method: "GET", path, query: {}, host, at: 0 })

describe("ApiRequestLog", () => {
  it("keeps requests in order, bounded to the newest", () => {
    const log = new ApiRequestLog(2)
    log.record(request("/v1/a"))
    log.record(request("/v1/b"))
    log.record(request("/v1/c"))
    expect(log.list().map((r) => r.path)).toEqual(["/v1/b", "/v1/c"])
    log.clear()
    expect(log.list()).toEqual([])
  })

  it("resolves a waiter with the first later request that matches, and times out otherwise", async () => {
    const log = new ApiRequestLog()
    const waiting = log.waitFor((r) => r.host.startsWith("127.0.0.2"))
    log.record(request("/v1/a", "127.0.0.1:9"))
    log.record(request("/v1/b", "127.0.0.2:9"))
    await expect(waiting).resolves.toMatchObject({ path: "/v1/b" })
    await expect(log.waitFor(() => false, { timeoutMs: 20 })).rejects.toThrow(/not seen within 20 ms/)
  })
})
