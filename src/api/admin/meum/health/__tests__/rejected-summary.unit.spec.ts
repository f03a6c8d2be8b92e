import { summarizeRejected } from "../rejected-summary"

const since = new Date("2026-12-05T00:00:00Z")

it("sums rejected deliveries per reason and registration across minutes, newest first, with the total", () => {
  const summary = summarizeRejected(
    [
      { key: "webhook_rejected:bad_signature:pp_meum_meum", window_start: new Date("2026-12-05T10:01:00Z"), count: 3 },
      { key: "webhook_rejected:bad_signature:pp_meum_meum", window_start: new Date("2026-12-05T10:05:00Z"), count: "2" },
      { key: "webhook_rejected:stale_timestamp:-", window_start: "2026-12-05T09:00:00.000Z", count: 1 },
      { key: "meum_invoice_budget:cart_1", window_start: new Date("2026-12-05T10:06:00Z"), count: 9 },
    ],
    "webhook_rejected:",
    since
  )
  expect(summary).toEqual({
    since: "2026-12-05T00:00:00.000Z",
    total: 6,
    by_reason: [
      { reason: "bad_signature", provider_id: "pp_meum_meum", count: 5, last_at: "2026-12-05T10:05:00.000Z" },
      { reason: "stale_timestamp", provider_id: null, count: 1, last_at: "2026-12-05T09:00:00.000Z" },
    ],
  })
})

it("is empty without rows", () => {
  expect(summarizeRejected([], "webhook_rejected:", since)).toEqual({ since: since.toISOString(), total: 0, by_reason: [] })
})
