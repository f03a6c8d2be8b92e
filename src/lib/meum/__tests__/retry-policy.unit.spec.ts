import { inspect } from "node:util"
import { backoffDelayMs, DEFAULT_RETRY, mayRetry, resolveRetryOptions } from "../retry-policy"
import { kindForNetworkError, kindForStatus, MeumApiError, parseRetryAfter, readErrorBody, redact } from "../errors"

const options = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 500, maxTotalMs: 2_000 }

describe("backoffDelayMs", () => {
  it("grows exponentially, is capped, and is fully jittered", () => {
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelayMs(retry, options, () => 0.5))).toEqual([50, 100, 200, 250, 250])
    expect(backoffDelayMs(3, options, () => 0)).toBe(0)
    expect(backoffDelayMs(3, options, () => 0.999)).toBe(399)
  })

  it("never waits less than Retry-After, even beyond maxDelayMs", () => {
    expect(backoffDelayMs(1, options, () => 0.5, 2_000)).toBe(2_000)
    expect(backoffDelayMs(4, options, () => 0.999, 10)).toBe(499)
  })
})

describe("mayRetry", () => {
  it("is bounded by attempts and by total time, boundary included", () => {
    expect(mayRetry(3, 0, 0, options)).toBe(true)
    expect(mayRetry(4, 0, 0, options)).toBe(false)
    expect(mayRetry(1, 1_500, 500, options)).toBe(true)
    expect(mayRetry(1, 1_500, 501, options)).toBe(false)
  })

  it("fills unset options with the defaults", () => {
    expect(resolveRetryOptions(undefined)).toEqual(DEFAULT_RETRY)
    expect(resolveRetryOptions({ maxAttempts: 2, baseDelayMs: undefined })).toEqual({ ...DEFAULT_RETRY, maxAttempts: 2 })
  })
})

describe("error classification", () => {
  it.each([
    [400, true, "final"],
    [401, true, "final"],
    [403, false, "final"],
    [404, true, "final"],
    [409, false, "final"],
    [429, false, "retryable"],
    [429, true, "retryable"],
    [500, true, "retryable"],
    [503, false, "ambiguous"],
  ])("HTTP %i (idempotent %p) → %s", (status, idempotent, kind) => {
    expect(kindForStatus(status, idempotent)).toBe(kind)
  })

  it.each([
    ["ECONNREFUSED", false, "retryable"],
    ["ENOTFOUND", false, "retryable"],
    ["ECONNRESET", false, "ambiguous"],
    ["ECONNABORTED", false, "ambiguous"],
    [undefined, false, "ambiguous"],
    ["ECONNRESET", true, "retryable"],
  ])("network %s (idempotent %p) → %s", (code, idempotent, kind) => {
    expect(kindForNetworkError(code, idempotent)).toBe(kind)
  })
})

describe("parseRetryAfter", () => {
  const now = Date.parse("2030-01-01T00:00:00Z")
  it.each([
    ["2", 2_000],
    [" 1.5 ", 1_500],
    [["3", "9"], 3_000],
    [new Date(now + 4_000).toUTCString(), 4_000],
    [new Date(now - 4_000).toUTCString(), 0],
    ["soon", undefined],
    [undefined, undefined],
    [{}, undefined],
  ])("%p → %p", (header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected)
  })
})

describe("readErrorBody", () => {
  it.each([
    [{ error: { type: "permission_error", code: "INSUFFICIENT_SCOPE", message: "no" } }, { type: "permission_error", code: "INSUFFICIENT_SCOPE", message: "no" }],
    [{ error: "Too many requests" }, { message: "Too many requests" }],
    ['{"error":"Too many requests"}', { message: "Too many requests" }],
    ["<html>", {}],
    [null, {}],
    [{ message: "not an error body" }, {}],
  ])("%p → %p", (body, expected) => {
    expect(readErrorBody(body)).toEqual(expected)
  })
})

describe("redact and MeumApiError", () => {
  it("removes the secret and any bearer token", () => {
    expect(redact("a sk_1 b sk_1", "sk_1")).toBe("a [redacted] b [redacted]")
    expect(redact("Authorization: Bearer abc.def-1", undefined)).toBe("Authorization: Bearer [redacted]")
  })

  it("serialises only its safe fields", () => {
    const error = new MeumApiError({ message: "m", kind: "final", method: "GET", path: "/p", status: 404, code: "c" })
    expect(JSON.parse(JSON.stringify(error))).toEqual({ name: "MeumApiError", message: "m", kind: "final", method: "GET", path: "/p", status: 404, code: "c", attempts: 1 })
    expect(inspect(error)).toContain('"status":404')
    expect(error.isNotFound && !error.isRateLimited && !error.isAuthenticationError).toBe(true)
  })
})
