import { sessionGuardVerdict } from "../session-guard"

const open = { cart: { id: "cart_1", completed_at: null, order_id: null }, sessions: [{ id: "ps_1", provider_id: "pp_meum_meum", status: "pending" }], ledgerStates: ["open", "closed"] }

describe("sessionGuardVerdict (no new invoice for a paid or held cart)", () => {
  it("allows an open cart with an open or closed invoice", () => {
    expect(sessionGuardVerdict(open)).toEqual({ kind: "allow" })
  })

  it.each([
    ["a completed cart", { ...open, cart: { ...open.cart, completed_at: new Date() } }],
    ["a cart with an order", { ...open, cart: { ...open.cart, order_id: "order_1" } }],
    ["a captured payment", { ...open, sessions: [{ ...open.sessions[0], captured: true }] }],
    ["an authorized session of another provider", { ...open, sessions: [{ id: "ps_2", provider_id: "pp_system_default", status: "authorized" }] }],
    ["a paid ledger row", { ...open, ledgerStates: ["paid"] }],
    ["a completed ledger row", { ...open, ledgerStates: ["completed"] }],
  ])("refuses as paid: %s", (_label, facts) => {
    expect(sessionGuardVerdict(facts as any).kind).toBe("paid")
  })

  it.each([
    ["a requires_more session (underpaid)", { ...open, sessions: [{ ...open.sessions[0], status: "requires_more" }] }],
    ["a needs_attention ledger row", { ...open, ledgerStates: ["needs_attention"] }],
  ])("refuses as under review: %s", (_label, facts) => {
    expect(sessionGuardVerdict(facts as any).kind).toBe("under_review")
  })

  it("tells the shopper of a refused underpayment that the store is refunding it, until the merchant marks the refund done", () => {
    const owed = { ...open, ledgerStates: ["needs_attention"], ledgerReasons: ["refund_due"] }
    expect(sessionGuardVerdict(owed).kind).toBe("refund_pending")
    expect(sessionGuardVerdict({ ...owed, ledgerReasons: ["underpaid"] }).kind).toBe("under_review")
    // Marked done: the row is resolved, no longer among the blocking ones.
    expect(sessionGuardVerdict({ ...open, ledgerStates: [], ledgerReasons: [] })).toEqual({ kind: "allow" })
  })

  it("frees a requires_more session once the merchant marked its invoice resolved", () => {
    const held = { ...open, sessions: [{ ...open.sessions[0], status: "requires_more" }] }
    expect(sessionGuardVerdict({ ...held, settledSessionIds: ["ps_1"] })).toEqual({ kind: "allow" })
    expect(sessionGuardVerdict({ ...held, settledSessionIds: ["ps_other"] }).kind).toBe("under_review")
  })

  it("tells the shopper of a cancelled order-first order to start a new cart, not that it is paid", () => {
    const canceled = { ...open, cart: { ...open.cart, completed_at: new Date(), order_id: "order_1", order_status: "canceled" } }
    expect(sessionGuardVerdict(canceled).kind).toBe("order_canceled")
    expect(sessionGuardVerdict({ ...canceled, cart: { ...canceled.cart, order_status: "pending" } }).kind).toBe("paid")
  })

  it("says paid before under review when both hold", () => {
    expect(sessionGuardVerdict({ ...open, ledgerStates: ["needs_attention", "paid"] }).kind).toBe("paid")
  })
})
