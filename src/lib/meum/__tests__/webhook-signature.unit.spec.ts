// createHmac is spied on (passing through to the real one) to count the digests a request costs.
jest.mock("node:crypto", () => {
  const actual = jest.requireActual("node:crypto")
  return { ...actual, createHmac: jest.fn((...args: unknown[]) => actual.createHmac(...args)) }
})
import { createHmac } from "node:crypto"
import {
  MAX_SIGNATURE_VALUES,
  requestDigests,
  signatureValueCapExceeded,
  signWebhook,
  verifyWebhook,
  verifyWebhookForEach,
  verifyWebhookSignature,
  type VerifyWebhookInput,
} from "../webhook-signature"

const hmacCount = () => (createHmac as unknown as jest.Mock).mock.calls.length

// Fixed vectors computed independently of our code:
//   printf '%s' '1719234567.{"id":"evt_1","type":"invoice.paid","data":{"invoice_id":"inv_1"}}' | openssl dgst -sha256 -hmac 'whsec_test'
//   printf '%s' '{"id":"evt_1","type":"invoice.paid","data":{"invoice_id":"inv_1"}}' | openssl dgst -sha256 -hmac 'whsec_test'
const SECRET = "whsec_test"
const BODY = '{"id":"evt_1","type":"invoice.paid","data":{"invoice_id":"inv_1"}}'
const TIMESTAMP = 1719234567
const V1_HEX = "bc8c773f6a55104f88ad7d98e75f0fd227c0154face83dc59a56d1572f364817"
const LEGACY_HEX = "550e744c3625887db2a7018f34ed77f2c203fac7dddd9f01a3d9f5afa9e489be"
const AT_TIMESTAMP = () => TIMESTAMP * 1000

const verify = (overrides: Partial<VerifyWebhookInput> = {}) =>
  verifyWebhook({
    rawBody: Buffer.from(BODY),
    headers: {
      "x-stablecoin-timestamp": String(TIMESTAMP),
      "x-stablecoin-signature": `v1=${V1_HEX}`,
      "x-stablecoin-event-id": "evt_1",
    },
    secrets: [SECRET],
    now: AT_TIMESTAMP,
    ...overrides,
  })

const reasonOf = (result: ReturnType<typeof verifyWebhook>) => (result.ok ? "ok" : result.reason)

describe("verifyWebhook", () => {
  it("accepts the independently computed v1 vector and returns the parsed event", () => {
    const result = verify()
    expect(result).toEqual(
      expect.objectContaining({ ok: true, eventId: "evt_1", eventType: "invoice.paid", scheme: "v1", timestamp: TIMESTAMP })
    )
    expect(result.ok && result.event.data.invoice_id).toBe("inv_1")
  })

  it("rejects a tampered body and a tampered timestamp", () => {
    expect(reasonOf(verify({ rawBody: BODY.replace("inv_1", "inv_2") }))).toBe("bad_signature")
    expect(
      reasonOf(
        verify({
          headers: { "x-stablecoin-timestamp": String(TIMESTAMP + 1), "x-stablecoin-signature": `v1=${V1_HEX}` },
          now: () => (TIMESTAMP + 1) * 1000,
        })
      )
    ).toBe("bad_signature")
  })

  it("enforces the tolerance window in both directions, boundary included", () => {
    expect(reasonOf(verify({ now: () => (TIMESTAMP + 300) * 1000 }))).toBe("ok")
    expect(reasonOf(verify({ now: () => (TIMESTAMP + 301) * 1000 }))).toBe("stale_timestamp")
    expect(reasonOf(verify({ now: () => (TIMESTAMP - 300) * 1000 }))).toBe("ok")
    expect(reasonOf(verify({ now: () => (TIMESTAMP - 301) * 1000 }))).toBe("future_timestamp")
    expect(reasonOf(verify({ now: () => (TIMESTAMP + 61) * 1000, toleranceSeconds: 60 }))).toBe("stale_timestamp")
  })

  it("accepts when only the second secret of a rotation list matches", () => {
    expect(reasonOf(verify({ secrets: ["whsec_new", SECRET] }))).toBe("ok")
    expect(reasonOf(verify({ secrets: ["whsec_new", "whsec_other"] }))).toBe("bad_signature")
    expect(reasonOf(verify({ secrets: [] }))).toBe("no_secret_configured")
  })

  it("accepts the legacy sha256= form only when enabled", () => {
    const headers = { "x-stablecoin-signature": `sha256=${LEGACY_HEX}` }
    expect(reasonOf(verify({ headers }))).toBe("legacy_signature_not_allowed")
    const accepted = verify({ headers, allowLegacy: true })
    expect(accepted).toEqual(expect.objectContaining({ ok: true, scheme: "legacy", timestamp: null }))
    expect(reasonOf(verify({ headers: { "x-stablecoin-signature": `sha256=${"0".repeat(64)}` }, allowLegacy: true }))).toBe(
      "bad_signature"
    )
  })

  it("names missing headers", () => {
    expect(reasonOf(verify({ headers: { "x-stablecoin-timestamp": String(TIMESTAMP) } }))).toBe("missing_signature")
    expect(reasonOf(verify({ headers: { "x-stablecoin-signature": `v1=${V1_HEX}` } }))).toBe("missing_timestamp")
    expect(
      reasonOf(verify({ headers: { "x-stablecoin-timestamp": "soon", "x-stablecoin-signature": `v1=${V1_HEX}` } }))
    ).toBe("invalid_timestamp")
  })

  it("falls back to X-Meum-* headers and reads header names case-insensitively, arrays included", () => {
    expect(
      reasonOf(verify({ headers: { "X-Meum-Timestamp": String(TIMESTAMP), "X-MEUM-SIGNATURE": [`v1=${V1_HEX}`] } }))
    ).toBe("ok")
  })

  it("checks the integration id only when configured and present", () => {
    const base = { "x-stablecoin-timestamp": String(TIMESTAMP), "x-stablecoin-signature": `v1=${V1_HEX}` }
    expect(reasonOf(verify({ headers: { ...base, "x-stablecoin-integration-id": "int_a" }, integrationId: "int_b" }))).toBe(
      "integration_id_mismatch"
    )
    expect(reasonOf(verify({ headers: { ...base, "x-stablecoin-integration-id": "int_a" }, integrationId: "int_a" }))).toBe("ok")
    expect(reasonOf(verify({ headers: base, integrationId: "int_a" }))).toBe("ok")
  })

  it("rejects bodies that are not a Meum event envelope, and an edited event-id header", () => {
    const sign = (body: string) =>
      signWebhook({ secret: SECRET, rawBody: body, timestamp: TIMESTAMP, eventType: "x", eventId: "evt_1" })
    expect(reasonOf(verify({ rawBody: "not json", headers: sign("not json") }))).toBe("malformed_body")
    expect(reasonOf(verify({ rawBody: '{"hello":1}', headers: sign('{"hello":1}') }))).toBe("malformed_body")
    const headers = { ...sign(BODY), "X-Stablecoin-Event-Id": "evt_other" }
    expect(reasonOf(verify({ headers }))).toBe("malformed_body")
  })

  it("never throws on malformed signature values", () => {
    for (const signature of ["v1=", "v1=zz", "v1=abc", `v1=${V1_HEX}00`, "garbage", "v1=" + "é".repeat(32)]) {
      const result = verify({ headers: { "x-stablecoin-timestamp": String(TIMESTAMP), "x-stablecoin-signature": signature } })
      expect(result.ok).toBe(false)
    }
  })

  it("verifies the exact UTF-8 bytes received (openssl vector over a non-ASCII body)", () => {
    // printf '%s' '1719234567.{"id":"evt_é","type":"invoice.paid","data":{"invoice_id":"inv_€1"}}' | openssl dgst -sha256 -hmac 'whsec_test'
    const body = '{"id":"evt_é","type":"invoice.paid","data":{"invoice_id":"inv_€1"}}'
    const hex = "57efaaee7b3a9d337336b5c2f24dc8df5d7e5b19851b7d2b0a9b72548fd85cc5"
    const headers = { "x-stablecoin-timestamp": String(TIMESTAMP), "x-stablecoin-signature": `v1=${hex}` }
    const fromBytes = verify({ rawBody: Buffer.from(body, "utf8"), headers })
    expect(fromBytes.ok && fromBytes.event.data.invoice_id).toBe("inv_€1")
    expect(reasonOf(verify({ rawBody: body, headers }))).toBe("ok")
    // The same JSON re-serialised (a space added) is different bytes: rejected.
    expect(reasonOf(verify({ rawBody: body.replace('"type":', '"type": '), headers }))).toBe("bad_signature")
  })

  it("accepts any one of several comma-separated signature values (rotation at Meum's side)", () => {
    // printf '%s' '1719234567.{"id":"evt_1","type":"invoice.paid","data":{"invoice_id":"inv_1"}}' | openssl dgst -sha256 -hmac 'whsec_old'
    const OLD_HEX = "8dc1923eae6682b54ccd40d4c6fe24cf1a2e60246b634d2da8a7ad6b921ab1e1"
    const headers = { "x-stablecoin-timestamp": String(TIMESTAMP), "x-stablecoin-signature": `v1=${OLD_HEX}, v1=${V1_HEX}` }
    expect(reasonOf(verify({ headers }))).toBe("ok")
    expect(reasonOf(verify({ headers, secrets: ["whsec_old"] }))).toBe("ok")
    expect(reasonOf(verify({ headers, secrets: ["whsec_neither"] }))).toBe("bad_signature")
  })

  it("prefers X-Stablecoin-* over X-Meum-* when both are present", () => {
    const headers = {
      "x-stablecoin-timestamp": String(TIMESTAMP),
      "x-stablecoin-signature": `v1=${V1_HEX}`,
      "x-meum-signature": `v1=${"0".repeat(64)}`,
    }
    expect(reasonOf(verify({ headers }))).toBe("ok")
    expect(reasonOf(verify({ headers: { ...headers, "x-stablecoin-signature": `v1=${"0".repeat(64)}`, "x-meum-signature": `v1=${V1_HEX}` } }))).toBe(
      "bad_signature"
    )
  })

  it("returns the integration id it saw", () => {
    const result = verify({
      headers: { "x-stablecoin-timestamp": String(TIMESTAMP), "x-stablecoin-signature": `v1=${V1_HEX}`, "X-Stablecoin-Integration-Id": ["int_7"] },
    })
    expect(result).toEqual(expect.objectContaining({ ok: true, integrationId: "int_7" }))
  })

  it("round-trips with signWebhook, v1 and legacy", () => {
    const headers = signWebhook({ secret: "s3", rawBody: BODY, timestamp: TIMESTAMP, eventType: "invoice.paid", eventId: "evt_1", integrationId: "int_9" })
    expect(headers).toEqual(
      expect.objectContaining({
        "Content-Type": "application/json",
        "X-Stablecoin-Event": "invoice.paid",
        "X-Stablecoin-Event-Id": "evt_1",
        "X-Stablecoin-Timestamp": String(TIMESTAMP),
        "X-Stablecoin-Integration-Id": "int_9",
      })
    )
    expect(reasonOf(verify({ headers, secrets: ["s3"], integrationId: "int_9" }))).toBe("ok")
    const legacy = signWebhook({ secret: SECRET, rawBody: BODY, timestamp: TIMESTAMP, eventType: "invoice.paid", eventId: "evt_1", legacy: true })
    expect(legacy["X-Stablecoin-Signature"]).toBe(`sha256=${LEGACY_HEX}`)
    const meum = signWebhook({ secret: SECRET, rawBody: BODY, timestamp: TIMESTAMP, eventType: "invoice.paid", eventId: "evt_1", headerPrefix: "X-Meum" })
    expect(meum["X-Meum-Signature"]).toBe(`v1=${V1_HEX}`)
  })

  it("keeps secrets out of every rejection detail", () => {
    const secret = "whsec_very_private_value"
    const details = [
      verify({ secrets: [secret] }),
      verify({ secrets: [secret], now: () => 0 }),
      verify({ secrets: [secret], headers: {} }),
      verify({ secrets: [secret], headers: { "x-stablecoin-signature": "sha256=00" } }),
      verify({ secrets: [secret], headers: { "x-stablecoin-signature": "sha256=00" }, allowLegacy: true }),
      verify({ secrets: [secret], headers: { "x-stablecoin-signature": `v1=${V1_HEX}` } }),
      verify({ secrets: [secret], headers: { "x-stablecoin-signature": "nonsense", "x-stablecoin-timestamp": String(TIMESTAMP) } }),
      verify({ secrets: [SECRET, secret], rawBody: "not json", headers: signWebhook({ secret, rawBody: "not json", timestamp: TIMESTAMP, eventType: "x", eventId: "e" }) }),
      verify({ secrets: [secret, SECRET], integrationId: "int_b", headers: { "x-stablecoin-timestamp": String(TIMESTAMP), "x-stablecoin-signature": `v1=${V1_HEX}`, "x-stablecoin-integration-id": "int_a" } }),
    ].map((result) => (result.ok ? "" : result.detail))
    for (const detail of details) {
      expect(detail.length).toBeGreaterThan(0)
      expect(detail).not.toContain(secret)
      expect(detail).not.toContain(SECRET)
      expect(detail).not.toContain(V1_HEX)
    }
  })
})

describe("verifyWebhookSignature (authenticity only)", () => {
  const input = (overrides: Partial<VerifyWebhookInput> = {}): VerifyWebhookInput => ({
    rawBody: Buffer.from(BODY),
    headers: { "x-stablecoin-timestamp": String(TIMESTAMP), "x-stablecoin-signature": `v1=${V1_HEX}` },
    secrets: [SECRET],
    now: AT_TIMESTAMP,
    ...overrides,
  })

  it("accepts the v1 vector and reports scheme and timestamp without reading the body", () => {
    expect(verifyWebhookSignature(input())).toEqual({ ok: true, timestamp: TIMESTAMP, scheme: "v1" })
    expect(verifyWebhookSignature(input({ rawBody: BODY }))).toEqual({ ok: true, timestamp: TIMESTAMP, scheme: "v1" })
  })

  it("rejects what verifyWebhook rejects for authenticity, and accepts a signed body that is not an event", () => {
    const notAnEvent = "not json at all"
    const signed = signWebhook({ secret: SECRET, rawBody: notAnEvent, timestamp: TIMESTAMP, eventType: "x", eventId: "evt_x" })
    const headers = Object.fromEntries(Object.entries(signed).map(([k, v]) => [k.toLowerCase(), v]))
    expect(verifyWebhookSignature(input({ rawBody: notAnEvent, headers }))).toEqual({ ok: true, timestamp: TIMESTAMP, scheme: "v1" })
    // The full verifier parses after authenticating: same request, malformed body.
    expect(verifyWebhook(input({ rawBody: notAnEvent, headers }))).toMatchObject({ ok: false, reason: "malformed_body" })
    expect(verifyWebhookSignature(input({ rawBody: BODY.replace("inv_1", "inv_2") }))).toMatchObject({ ok: false, reason: "bad_signature" })
    expect(verifyWebhookSignature(input({ now: () => (TIMESTAMP + 301) * 1000 }))).toMatchObject({ ok: false, reason: "stale_timestamp" })
  })

  it("treats a candidate of the wrong length or with non-hex characters as a mismatch, never a throw", () => {
    for (const candidate of [V1_HEX.slice(0, 63), V1_HEX + "00", "z".repeat(64), ""]) {
      const headers = { "x-stablecoin-timestamp": String(TIMESTAMP), "x-stablecoin-signature": `v1=${candidate}` }
      expect(verifyWebhookSignature(input({ headers }))).toMatchObject({ ok: false, reason: "bad_signature" })
    }
    const upper = { "x-stablecoin-timestamp": String(TIMESTAMP), "x-stablecoin-signature": `v1=${V1_HEX.toUpperCase()}` }
    expect(verifyWebhookSignature(input({ headers: upper }))).toMatchObject({ ok: true })
  })
})

describe("the work an unsigned request costs (issue 18)", () => {
  beforeEach(() => (createHmac as unknown as jest.Mock).mockClear())
  const headersWith = (signature: string) => ({ "x-stablecoin-timestamp": String(TIMESTAMP), "x-stablecoin-signature": signature })
  const attack = Array.from({ length: 3900 }, () => "v1=").join(",")

  it("rejects a header of 3,900 values before computing any HMAC", () => {
    const result = verifyWebhook({ rawBody: Buffer.alloc(250_000, 0x61), headers: headersWith(attack), secrets: ["whsec_a", "whsec_b"], now: AT_TIMESTAMP })
    expect(result).toMatchObject({ ok: false, reason: "too_many_signatures" })
    expect(hmacCount()).toBe(0)
  })

  it("accepts up to the cap, and computes each distinct secret's digest once whatever the number of values", () => {
    const values = [...Array.from({ length: MAX_SIGNATURE_VALUES - 1 }, (_, i) => `v1=${String(i).repeat(64)}`), `v1=${V1_HEX}`]
    expect(values.length).toBe(MAX_SIGNATURE_VALUES)
    expect(verify({ headers: headersWith(values.join(",")), secrets: ["whsec_other", SECRET, "whsec_other"] })).toMatchObject({ ok: true })
    expect(hmacCount()).toBe(2)
    ;(createHmac as unknown as jest.Mock).mockClear()
    expect(verify({ headers: headersWith([...values, "v1="].join(",")) })).toMatchObject({ ok: false, reason: "too_many_signatures" })
    expect(hmacCount()).toBe(0)
  })

  it("tells from the headers alone whether the signature header is over the cap", () => {
    expect(signatureValueCapExceeded({ "x-stablecoin-signature": attack })).toBe(true)
    expect(signatureValueCapExceeded({ "X-Meum-Signature": Array.from({ length: MAX_SIGNATURE_VALUES + 1 }, () => "v1=00").join(",") })).toBe(true)
    expect(signatureValueCapExceeded({ "x-stablecoin-signature": Array.from({ length: MAX_SIGNATURE_VALUES }, () => "v1=00").join(",") })).toBe(false)
    expect(signatureValueCapExceeded({})).toBe(false)
  })

  it("verifies several registrations with one digest per distinct secret, keeping each one's own rules", () => {
    const results = verifyWebhookForEach({
      rawBody: Buffer.from(BODY),
      headers: { ...headersWith(`v1=${"0".repeat(64)}, v1=${V1_HEX}`), "x-stablecoin-integration-id": "int_a" },
      now: () => (TIMESTAMP + 100) * 1000,
      candidates: [
        { secrets: ["whsec_other"] },
        { secrets: [SECRET, "whsec_other"], integrationId: "int_b" },
        { secrets: [SECRET], toleranceSeconds: 60 },
        { secrets: [SECRET], integrationId: "int_a" },
        { secrets: [] },
      ],
    })
    expect(results.map((r) => (r.ok ? "ok" : r.reason))).toEqual(["bad_signature", "integration_id_mismatch", "stale_timestamp", "ok", "no_secret_configured"])
    expect(hmacCount()).toBe(2)
  })

  it("memoises a digest per prefix and secret, never one secret's digest for another prefix", () => {
    const digestOf = requestDigests(Buffer.from(BODY))
    expect(digestOf(SECRET, `${TIMESTAMP}.`).toString("hex")).toBe(V1_HEX)
    expect(digestOf(SECRET).toString("hex")).toBe(LEGACY_HEX)
    expect(digestOf(SECRET, `${TIMESTAMP + 1}.`).toString("hex")).not.toBe(V1_HEX)
    ;(createHmac as unknown as jest.Mock).mockClear()
    expect(digestOf(SECRET, `${TIMESTAMP}.`).toString("hex")).toBe(V1_HEX)
    expect(hmacCount()).toBe(0)
  })
})
