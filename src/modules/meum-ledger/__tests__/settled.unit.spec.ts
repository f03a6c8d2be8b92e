/**
 * When the ledger needs no more work: a delivery whose outcome is committed is answered as a
 * duplicate; a paid invoice the ledger settled (or knows paid and is backing off) is not taken again
 * by the job; an order's money arrived when a ledger row of it is paid, completed, or with the
 * merchant for a reason that means money moved.
 */
import { isSettledOutcome, moneyArrived, needsSettling } from "../settled"

describe("settled deliveries", () => {
  it("treats committed outcomes as settled, and processing, failed or none as work to do again", () => {
    for (const outcome of ["captured", "updated", "ignored", "order_canceled", "unknown_status", "mismatch", "skipped"]) expect(isSettledOutcome(outcome)).toBe(true)
    for (const outcome of ["processing", "failed", "duplicate", null]) expect(isSettledOutcome(outcome)).toBe(false)
  })
})

describe("paid invoices the job settles", () => {
  const now = Date.parse("2026-12-05T10:00:00Z")
  const row = (state: string, fields: { attention_reason?: string | null; next_check_at?: Date | string | null } = {}) => ({
    state,
    attention_reason: fields.attention_reason ?? null,
    next_check_at: fields.next_check_at ?? null,
  })

  it("takes an invoice the ledger does not know, or knows open or abandoned", () => {
    expect(needsSettling(undefined, now)).toBe(true)
    expect(needsSettling(row("open"), now)).toBe(true)
    expect(needsSettling(row("abandoned"), now)).toBe(true)
  })

  it("leaves completed, resolved and merchant-held invoices alone, except an unknown status", () => {
    for (const state of ["completed", "resolved", "needs_attention"]) expect(needsSettling(row(state, { attention_reason: "underpaid" }), now)).toBe(false)
    // Paid at Meum but closed in the ledger: late money (its webhook may be lost).
    expect(needsSettling(row("closed"), now)).toBe(true)
    expect(needsSettling(row("needs_attention", { attention_reason: "unknown_status" }), now)).toBe(true)
  })

  it("leaves a paid one alone while it waits for its backoff, and takes it once due", () => {
    expect(needsSettling(row("paid", { next_check_at: new Date(now + 1) }), now)).toBe(false)
    expect(needsSettling(row("paid", { next_check_at: new Date(now).toISOString() }), now)).toBe(true)
    expect(needsSettling(row("paid"), now)).toBe(true)
  })
})

describe("money arrived", () => {
  it("counts paid and completed invoices, and the merchant's ones whose money moved", () => {
    expect(moneyArrived({ state: "paid", attention_reason: null })).toBe(true)
    expect(moneyArrived({ state: "completed", attention_reason: null })).toBe(true)
    for (const reason of ["underpaid", "amount_mismatch", "completion_failing", "paid_without_order"]) {
      expect(moneyArrived({ state: "needs_attention", attention_reason: reason })).toBe(true)
    }
  })

  it("does not count open, dead or abandoned invoices, nor the merchant's ones without money", () => {
    for (const state of ["open", "closed", "abandoned", "resolved"]) expect(moneyArrived({ state, attention_reason: null })).toBe(false)
    expect(moneyArrived({ state: "needs_attention", attention_reason: "unknown_status" })).toBe(false)
  })
})
