/**
 * The decision table: every cell of (ledger state × Meum status × Medusa facts) has one answer.
 * The first table spells out the action and observation for a first sight of each Meum status in
 * each situation; the sweep below walks every ledger state and attention reason over the same
 * cells and checks that the state only decides whether the merchant holds the invoice (and the
 * transition), never which action runs.
 */
import { ATTENTION_REASONS, decide, handedToMerchant, LEDGER_STATES, nextLedgerState, type DecisionInput, type MedusaFacts } from "../decide"
import { INVOICE_PHASE, type ReadInvoiceStatus } from "../../../lib/meum/invoice"

const NOW = 1_800_000_000_000
const GRACE = 15 * 60_000

type Profile = "pf_new" | "pf_placed" | "pf_orphan" | "of_grace" | "of_late" | "of_kept" | "of_canceled"
const PROFILES: Record<Profile, { medusa: MedusaFacts; deadSinceMs: number }> = {
  pf_new: { medusa: { mode: "pay_first", heldBySession: true, sessionStatus: "pending", captured: false, hasCart: true }, deadSinceMs: NOW },
  pf_placed: { medusa: { mode: "pay_first", heldBySession: true, sessionStatus: "authorized", captured: true, hasCart: true, order: { id: "order_1", status: "pending" } }, deadSinceMs: NOW },
  pf_orphan: { medusa: { mode: "pay_first", heldBySession: false, captured: false, hasCart: false }, deadSinceMs: NOW },
  of_grace: { medusa: { mode: "order_first", heldBySession: true, sessionStatus: "pending_authorization", captured: false, hasCart: true, order: { id: "order_1", status: "pending" } }, deadSinceMs: NOW - 1_000 },
  of_late: { medusa: { mode: "order_first", heldBySession: true, sessionStatus: "pending_authorization", captured: false, hasCart: true, order: { id: "order_1", status: "pending" } }, deadSinceMs: NOW - 2 * GRACE },
  of_kept: {
    medusa: { mode: "order_first", heldBySession: true, sessionStatus: "pending_authorization", captured: false, hasCart: true, order: { id: "order_1", status: "pending" }, moneyArrivedElsewhere: "it holds captured payment pay_2" },
    deadSinceMs: NOW - 2 * GRACE,
  },
  of_canceled: { medusa: { mode: "order_first", heldBySession: true, sessionStatus: "canceled", captured: false, hasCart: true, order: { id: "order_1", status: "canceled" } }, deadSinceMs: NOW - 2 * GRACE },
}
const PROFILE_ORDER = Object.keys(PROFILES) as Profile[]

/** `paid!` is a paid invoice whose amount or currency differ from what was asked. */
type Cell = ReadInvoiceStatus | "paid!"
const CELLS: Cell[] = ["pending", "quoted", "awaiting_payment", "paid", "paid!", "underpaid", "expired", "cancelled", "failed", "refunded", "unknown"]

// action/observation per profile, in PROFILE_ORDER: pf_new pf_placed pf_orphan of_grace of_late of_kept of_canceled
const TABLE: Record<Cell, string> = {
  pending:          "nothing/open        nothing/open       nothing/abandoned          nothing/open         nothing/open           nothing/open                            nothing/open",
  quoted:           "nothing/open        nothing/open       nothing/abandoned          nothing/open         nothing/open           nothing/open                            nothing/open",
  awaiting_payment: "nothing/open        nothing/open       nothing/abandoned          nothing/open         nothing/open           nothing/open                            nothing/open",
  paid:             "capture/captured    duplicate/captured adopt/captured             capture/captured     capture/captured       capture/captured                        nothing/paid_without_order",
  "paid!":          "refresh/amount_mismatch refresh/amount_mismatch nothing/paid_without_order refresh/amount_mismatch refresh/amount_mismatch refresh/amount_mismatch refresh/amount_mismatch",
  underpaid:        "refresh/underpaid   refresh/underpaid  nothing/underpaid          duplicate/underpaid  duplicate/underpaid    duplicate/underpaid                     refresh/underpaid",
  expired:          "refresh/dead        refresh/dead       nothing/dead               nothing/grace        cancel_order/dead      refresh/order_paid_not_cancelled        duplicate/dead",
  cancelled:        "refresh/dead        refresh/dead       nothing/dead               nothing/grace        cancel_order/dead      refresh/order_paid_not_cancelled        duplicate/dead",
  failed:           "refresh/dead        refresh/dead       nothing/dead               nothing/grace        cancel_order/dead      refresh/order_paid_not_cancelled        refresh/dead",
  refunded:         "refresh/refunded    refresh/refunded   nothing/dead               refresh/refunded     refresh/refunded       refresh/refunded                        duplicate/refunded",
  unknown:          "nothing/unknown_status nothing/unknown_status nothing/unknown_status nothing/unknown_status nothing/unknown_status nothing/unknown_status nothing/unknown_status",
}

function inputFor(cell: Cell, profile: Profile, row?: DecisionInput["row"], force = false): DecisionInput {
  const status: ReadInvoiceStatus = cell === "paid!" ? "paid" : cell
  const { medusa, deadSinceMs } = PROFILES[profile]
  return { row, invoice: { status, paidAsAsked: cell === "paid", deadSinceMs }, medusa, now: NOW, graceMs: GRACE, force }
}

function cellOf(input: DecisionInput): string {
  const { action, observation } = decide(input)
  const kind = action.kind === "capture_and_complete" ? "capture" : action.kind === "refresh_session" ? "refresh" : action.kind === "nothing" && action.duplicate ? "duplicate" : action.kind
  return `${kind}/${observation?.kind ?? "-"}`
}

describe("decide: first sight of every Meum status in every situation", () => {
  const cases = CELLS.flatMap((cell) => PROFILE_ORDER.map((profile, i) => [cell, profile, TABLE[cell].trim().split(/\s+/)[i]] as const))

  it("covers every Meum status the plugin reads", () => {
    expect(new Set(CELLS.map((cell) => (cell === "paid!" ? "paid" : cell)))).toEqual(new Set(Object.keys(INVOICE_PHASE)))
    expect(cases).toHaveLength(CELLS.length * PROFILE_ORDER.length)
  })

  it.each(cases)("%s × %s → %s", (cell, profile, expected) => {
    expect(cellOf(inputFor(cell, profile))).toBe(expected)
  })
})

describe("decide: every ledger state over the same cells", () => {
  type StateRow = { state: (typeof LEDGER_STATES)[number]; reason: string | null }
  const rows = LEDGER_STATES.flatMap((state): StateRow[] =>
    state === "needs_attention" ? ATTENTION_REASONS.map((reason) => ({ state, reason })) : [{ state, reason: null }]
  )

  it.each(rows)("$state ($reason): held for the merchant, or the first-sight action with the machine's transition", ({ state, reason }) => {
    const row = { state, attempts: 2, attention_reason: reason, decision: null }
    for (const cell of CELLS) {
      for (const profile of PROFILE_ORDER) {
        const decision = decide(inputFor(cell, profile, row))
        if (handedToMerchant(row)) {
          expect(decision.action.kind).toBe("hold")
          // The admin's "Re-check now" acts anyway, as on a first sight — except on a refund the merchant owes.
          const forced = cellOf(inputFor(cell, profile, row, true)).split("/")[0]
          expect(forced).toBe(reason === "refund_due" ? "hold" : cellOf(inputFor(cell, profile)).split("/")[0])
          continue
        }
        // The one cell where the state picks the action: an abandoned invoice still open at Meum is cancelled there.
        const abandonedOpen = state === "abandoned" && profile === "pf_orphan" && INVOICE_PHASE[cell as ReadInvoiceStatus] === "open"
        expect(cellOf(inputFor(cell, profile, row)).split("/")[0]).toBe(abandonedOpen ? "cancel_at_meum" : cellOf(inputFor(cell, profile)).split("/")[0])
        expect(decision.next).toEqual(nextLedgerState({ state, attempts: 2 }, decision.observation!))
      }
    }
  })

  it("an abandoned invoice held by a live session after all goes back to open", () => {
    const held = decide(inputFor("pending", "pf_new", { state: "abandoned", attempts: 1, attention_reason: null, decision: null }))
    expect(held.observation).toEqual({ kind: "held_again" })
    expect(held.next?.state).toBe("open")
  })

  it("an underpayment the merchant accepted is recorded as captured, a refund after completion raises", () => {
    const accepted = decide(inputFor("underpaid", "pf_new", { state: "needs_attention", attempts: 0, attention_reason: "underpaid", decision: "accepted" }))
    expect(accepted.observation).toEqual({ kind: "captured", orderPlaced: true })
    const refunded = decide(inputFor("refunded", "pf_new", { state: "completed", attempts: 0, attention_reason: null, decision: null }))
    expect(refunded.raise).toBe("refunded_after_capture")
    expect(decide(inputFor("refunded", "pf_new")).next?.state).toBe("closed")
  })

  it("never captures an invoice not paid as asked, never cancels an order whose money arrived", () => {
    for (const state of LEDGER_STATES) {
      for (const cell of CELLS) {
        for (const profile of PROFILE_ORDER) {
          const { action } = decide(inputFor(cell, profile, { state, attempts: 0, attention_reason: null, decision: null }, true))
          if (action.kind === "capture_and_complete" || action.kind === "adopt") expect(cell).toBe("paid")
          if (action.kind === "cancel_order") expect(PROFILES[profile].medusa.moneyArrivedElsewhere).toBeUndefined()
        }
      }
    }
  })
})

describe("decide: late money (paid after the invoice was closed, cancelled or replaced)", () => {
  const closed = { state: "closed" as const, attempts: 0, attention_reason: null, decision: null }
  const abandoned = { state: "abandoned" as const, attempts: 0, attention_reason: null, decision: null }
  const lateHeld: MedusaFacts = { mode: "pay_first", heldBySession: true, sessionStatus: "canceled", captured: false, hasCart: true }
  const late = (cell: Cell, medusa: MedusaFacts, row: DecisionInput["row"]) => decide({ ...inputFor(cell, "pf_new", row), medusa })

  it("its session still holds it and the cart is open: captured into the order, the row completes", () => {
    const decision = late("paid", lateHeld, closed)
    expect(decision.action).toEqual({ kind: "capture_and_complete" })
    expect(decision.next?.state).toBe("completed")
  })

  it("replaced by a newer session of its cart: adopted (the adoption checks the cart still asks the same)", () => {
    for (const row of [closed, abandoned]) expect(late("paid", PROFILES.pf_orphan.medusa, row).action).toEqual({ kind: "adopt" })
  })

  it("no order can take it (its order-first order was cancelled, or it pays another amount): the merchant, as paid after closing", () => {
    expect(decide(inputFor("paid", "of_canceled", closed)).next).toEqual(expect.objectContaining({ state: "needs_attention", reason: "paid_after_closing" }))
    expect(late("paid!", PROFILES.pf_orphan.medusa, closed).next).toEqual(expect.objectContaining({ state: "needs_attention", reason: "paid_after_closing" }))
    // An adoption that fails is recorded as paid without order: from a closed or abandoned row, that is late money too.
    for (const row of [closed, abandoned]) {
      expect(nextLedgerState(row, { kind: "paid_without_order" })).toEqual(expect.objectContaining({ state: "needs_attention", reason: "paid_after_closing" }))
    }
    expect(nextLedgerState({ state: "open", attempts: 0 }, { kind: "paid_without_order" }).reason).toBe("paid_without_order")
  })

  it("late underpayment: the merchant decides it like any underpayment", () => {
    expect(late("underpaid", lateHeld, closed).next).toEqual(expect.objectContaining({ state: "needs_attention", reason: "underpaid" }))
  })
})

describe("decide: the merchant's decisions", () => {
  const underpaidRow = { state: "needs_attention" as const, attempts: 0, attention_reason: "underpaid", decision: null }
  const merchant = (action: "accept_underpaid" | "reject_underpaid" | "resolve", cell: Cell, profile: Profile, row?: DecisionInput["row"]) =>
    decide({ ...inputFor(cell, profile, row), merchant: action })

  it("accepts a held underpayment once: capture what was received and place the order", () => {
    const accepted = merchant("accept_underpaid", "underpaid", "pf_new", underpaidRow)
    expect(accepted.action).toEqual({ kind: "accept_underpaid" })
    expect(accepted.next?.state).toBe("completed")
    expect(merchant("accept_underpaid", "underpaid", "pf_new", { ...underpaidRow, decision: "accepted" }).action).toEqual({ kind: "refuse", reason: "The underpayment was already accepted" })
  })

  it("rejects an underpayment: the order is cancelled unless its money arrived another way", () => {
    expect(merchant("reject_underpaid", "underpaid", "of_late", underpaidRow).action).toEqual({ kind: "reject_underpaid", cancelOrderId: "order_1" })
    expect(merchant("reject_underpaid", "underpaid", "of_kept", underpaidRow).action).toEqual({ kind: "reject_underpaid" })
    // The shopper is owed a refund: the merchant keeps it until they mark the refund done.
    const refused = merchant("reject_underpaid", "underpaid", "pf_new", underpaidRow)
    expect(refused.next).toEqual(expect.objectContaining({ state: "needs_attention", reason: "refund_due", nextCheckInMs: null }))
    const owed = { state: "needs_attention" as const, attempts: 0, attention_reason: "refund_due", decision: "rejected" }
    expect(decide(inputFor("underpaid", "pf_new", owed)).action.kind).toBe("hold")
    expect(merchant("resolve", "underpaid", "pf_new", owed).next?.state).toBe("resolved")
    expect(merchant("reject_underpaid", "underpaid", "pf_new", owed).action.kind).toBe("refuse")
  })

  it.each(CELLS.filter((cell) => cell !== "underpaid"))("refuses to accept or reject a %s invoice", (cell) => {
    expect(merchant("accept_underpaid", cell, "pf_new", underpaidRow).action.kind).toBe("refuse")
    expect(merchant("reject_underpaid", cell, "pf_new", underpaidRow).action.kind).toBe("refuse")
  })

  it.each(LEDGER_STATES)("resolve from %s: only what needs attention (or was resolved already)", (state) => {
    const decision = merchant("resolve", "unknown", "pf_new", { state, attempts: 0, attention_reason: null, decision: null })
    if (state === "resolved") expect(decision.action).toEqual({ kind: "nothing", duplicate: true })
    else if (state === "needs_attention" || state === "abandoned") expect(decision.next?.state).toBe("resolved")
    else expect(decision.action.kind).toBe("refuse")
  })
})

describe("decide: the plugin's invoice lifetime", () => {
  const LIFETIME = 60 * 60_000
  const withLifetime = (cell: Cell, profile: Profile, createdAgoMs: number) => {
    const input = inputFor(cell, profile)
    return decide({ ...input, invoice: { ...input.invoice, createdAtMs: NOW - createdAgoMs }, lifetimeMs: LIFETIME })
  }

  it.each(["pending", "quoted", "awaiting_payment"] as const)("a %s invoice past its lifetime is cancelled at Meum and closed", (cell) => {
    const decision = withLifetime(cell, "pf_new", LIFETIME + 1)
    expect(decision.action).toEqual({ kind: "cancel_at_meum" })
    expect(decision.next?.state).toBe("closed")
  })

  it("an order-first order past its invoice's lifetime waits out the grace before it is cancelled", () => {
    const decision = withLifetime("awaiting_payment", "of_grace", LIFETIME + 1)
    expect(decision.action).toEqual({ kind: "cancel_at_meum" })
    expect(decision.observation).toEqual({ kind: "grace", remainingMs: GRACE })
  })

  it("an open invoice within its lifetime is looked at again no later than when the lifetime ends", () => {
    const decision = withLifetime("awaiting_payment", "pf_new", LIFETIME - 5 * 60_000)
    expect(decision.action.kind).toBe("nothing")
    expect(decision.next?.nextCheckInMs).toBe(5 * 60_000)
  })

  it.each(["paid", "underpaid", "expired", "refunded", "unknown"] as const)("never touches a %s invoice, whatever its age", (cell) => {
    expect(cellOf({ ...inputFor(cell, "pf_new"), invoice: { ...inputFor(cell, "pf_new").invoice, createdAtMs: 0 }, lifetimeMs: LIFETIME })).toBe(cellOf(inputFor(cell, "pf_new")))
  })
})
