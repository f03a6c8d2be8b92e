import {
  ACTIVE_STATES,
  ALLOWED_TRANSITIONS,
  DEFAULT_MACHINE_SETTINGS,
  LEDGER_STATES,
  isAllowedTransition,
  nextLedgerState,
  type LedgerState,
  type Observation,
} from "../decide"

const at = (state: LedgerState, attempts = 0) => ({ state, attempts })

describe("ledger state machine", () => {
  it("has a transition row for every state, naming only known states", () => {
    expect(Object.keys(ALLOWED_TRANSITIONS).sort()).toEqual([...LEDGER_STATES].sort())
    for (const targets of Object.values(ALLOWED_TRANSITIONS)) for (const target of targets) expect(LEDGER_STATES).toContain(target)
  })

  it("places a paid invoice's order: open → completed, nothing due after", () => {
    expect(nextLedgerState(at("open"), { kind: "captured", orderPlaced: true })).toEqual({ state: "completed", attempts: 0, nextCheckInMs: null })
  })

  it("raises a completion that keeps failing for the merchant after N attempts, with backoff before (ledger issue, defect 4)", () => {
    let position = at("open")
    const delays: Array<number | null> = []
    for (let i = 0; i < DEFAULT_MACHINE_SETTINGS.maxCompletionAttempts; i++) {
      const next = nextLedgerState(position, { kind: "completion_failed", error: "out of stock" })
      delays.push(next.nextCheckInMs)
      position = at(next.state, next.attempts)
    }
    expect(position).toEqual({ state: "needs_attention", attempts: DEFAULT_MACHINE_SETTINGS.maxCompletionAttempts })
    expect(delays.at(-1)).toBeNull()
    const waits = delays.slice(0, -1) as number[]
    expect(waits).toEqual([...waits].sort((a, b) => a - b))
    expect(waits[1]).toBeGreaterThan(waits[0])
  })

  it("backs off the looks at an invoice that stays open, up to a cap", () => {
    let position = at("open")
    const delays: number[] = []
    for (let i = 0; i < 12; i++) {
      const next = nextLedgerState(position, { kind: "open" })
      delays.push(next.nextCheckInMs!)
      position = at(next.state, next.attempts)
    }
    expect(delays[0]).toBe(DEFAULT_MACHINE_SETTINGS.openRecheckMs)
    expect(delays[1]).toBe(2 * DEFAULT_MACHINE_SETTINGS.openRecheckMs)
    expect(Math.max(...delays)).toBe(DEFAULT_MACHINE_SETTINGS.maxOpenRecheckMs)
  })

  it.each<[Observation, LedgerState, string | undefined]>([
    [{ kind: "underpaid" }, "needs_attention", "underpaid"],
    [{ kind: "amount_mismatch" }, "needs_attention", "amount_mismatch"],
    [{ kind: "unknown_status" }, "needs_attention", "unknown_status"],
    [{ kind: "paid_without_order" }, "needs_attention", "paid_without_order"],
    [{ kind: "refunded", wasCaptured: true }, "needs_attention", "refunded_after_capture"],
    [{ kind: "refunded", wasCaptured: false }, "closed", undefined],
    [{ kind: "dead" }, "closed", undefined],
    [{ kind: "abandoned" }, "abandoned", undefined],
  ])("maps %j to %s", (observation, state, reason) => {
    const next = nextLedgerState(at("open"), observation)
    expect(next.state).toBe(state)
    expect(next.reason).toBe(reason)
  })

  it("never lets a resolved invoice move again, and never regresses a completed one to open", () => {
    expect(isAllowedTransition("resolved", "open")).toBe(false)
    expect(isAllowedTransition("resolved", "completed")).toBe(false)
    expect(isAllowedTransition("completed", "open")).toBe(false)
    expect(isAllowedTransition("completed", "paid")).toBe(false)
  })

  it("lets an abandoned invoice that got paid and placed complete, and order-first grace wait exactly its remainder", () => {
    expect(isAllowedTransition("abandoned", "completed")).toBe(true)
    expect(isAllowedTransition("abandoned", "resolved")).toBe(true)
    // The invoice is dead: its looks are forgotten, attempts now count the order's cancellations.
    expect(nextLedgerState(at("open", 3), { kind: "grace", remainingMs: 42_000 })).toEqual({ state: "open", attempts: 0, nextCheckInMs: 42_000 })
    expect(nextLedgerState(at("open"), { kind: "grace", remainingMs: -5 }).nextCheckInMs).toBe(0)
  })

  it("hands an order-first cancellation that keeps failing to the merchant after N attempts, with growing backoff before (issue 18)", () => {
    let position = at("open")
    position = at(nextLedgerState(position, { kind: "grace", remainingMs: 1_000 }).state, 0)
    const delays: Array<number | null> = []
    for (let i = 0; i < DEFAULT_MACHINE_SETTINGS.maxCompletionAttempts; i++) {
      const next = nextLedgerState(position, { kind: "order_cancel_failed", error: "Cannot cancel a completed order" })
      delays.push(next.nextCheckInMs)
      position = at(next.state, next.attempts)
      if (i < DEFAULT_MACHINE_SETTINGS.maxCompletionAttempts - 1) expect(next).toMatchObject({ state: "open", attempts: i + 1 })
      else expect(next).toEqual({ state: "needs_attention", attempts: DEFAULT_MACHINE_SETTINGS.maxCompletionAttempts, reason: "order_cancel_failing", nextCheckInMs: null })
    }
    const waits = delays.slice(0, -1) as number[]
    expect(waits.every((wait) => wait > 0)).toBe(true)
    expect(waits[1]).toBeGreaterThan(waits[0])
    expect(isAllowedTransition("open", "needs_attention")).toBe(true)
  })

  it("never waits longer than N failed cancellations, even for an invoice first seen dead after many looks", () => {
    const next = nextLedgerState(at("open", 40), { kind: "order_cancel_failed", error: "x" })
    expect(next).toMatchObject({ state: "needs_attention", reason: "order_cancel_failing", nextCheckInMs: null })
  })

  it("raises an order-first order whose money arrived for the merchant instead of cancelling it (issue 18)", () => {
    expect(nextLedgerState(at("open", 2), { kind: "order_paid_not_cancelled" })).toEqual({
      state: "needs_attention",
      attempts: 2,
      reason: "order_paid_not_cancelled",
      nextCheckInMs: null,
    })
  })

  it("keeps a failed look where it was and tries again after a backoff", () => {
    const next = nextLedgerState(at("paid", 2), { kind: "check_failed", error: "Meum 503" })
    expect(next).toEqual({ state: "paid", attempts: 2, nextCheckInMs: expect.any(Number) })
    expect(next.nextCheckInMs).toBeGreaterThan(0)
  })

  it("keeps only states with work for the job active", () => {
    expect([...ACTIVE_STATES].sort()).toEqual(["abandoned", "open", "paid"])
  })
})
