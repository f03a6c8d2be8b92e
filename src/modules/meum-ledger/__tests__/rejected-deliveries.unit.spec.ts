/**
 * A rejected delivery is counted under its reason and registration, keeps sizes (never header
 * values nor the body), and the admin reads the counters back per minute, reason and registration.
 */
import { rejectedCounterKey, rejectedSample, summarizeRejectedCounters } from "../rejected-deliveries"

describe("rejected deliveries", () => {
  it("keys a rejection by reason and registration, '-' when the URL named none", () => {
    expect(rejectedCounterKey({ reason: "bad_signature", providerId: "pp_meum_meum" })).toBe("webhook_rejected:bad_signature:pp_meum_meum")
    expect(rejectedCounterKey({ reason: "malformed" })).toBe("webhook_rejected:malformed:-")
  })

  it("samples the time, reason, status and sizes only", () => {
    const now = Date.parse("2026-12-05T10:00:30Z")
    const sample = rejectedSample({ reason: "bad_signature", httpStatus: 401, bodyBytes: 120, headerLengths: { "x-stablecoin-signature": 67 } }, now)
    expect(sample).toEqual({ at: "2026-12-05T10:00:30.000Z", reason: "bad_signature", http_status: 401, provider_id: null, body_bytes: 120, header_lengths: { "x-stablecoin-signature": 67 } })
  })

  it("reads the counters back per minute, reason and registration, with the newest samples of any reason first", () => {
    const since = new Date("2026-12-05T09:00:00Z")
    const rows = [
      { key: "webhook_rejected:bad_signature:pp_meum_meum", window_start: new Date("2026-12-05T10:01:00Z"), count: 3, samples: [{ at: "2026-12-05T10:01:05Z", n: 1 }] },
      { key: "webhook_rejected:malformed:-", window_start: new Date("2026-12-05T10:00:00Z"), count: 1, samples: [{ at: "2026-12-05T10:00:50Z", n: 2 }, { at: "2026-12-05T10:01:30Z", n: 3 }] },
    ]
    const summary = summarizeRejectedCounters(rows, since, 2)
    expect(summary.since).toBe("2026-12-05T09:00:00.000Z")
    expect(summary.minutes).toEqual([
      { window_start: "2026-12-05T10:01:00.000Z", reason: "bad_signature", provider_id: "pp_meum_meum", count: 3 },
      { window_start: "2026-12-05T10:00:00.000Z", reason: "malformed", provider_id: null, count: 1 },
    ])
    expect(summary.samples.map((sample) => sample.n)).toEqual([3, 1])
  })
})
