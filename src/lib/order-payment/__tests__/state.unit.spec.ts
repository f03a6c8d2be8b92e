import { meumPaymentState } from "../state"

const meumSession = { provider_id: "pp_meum_meum" }
const capturedMeum = { provider_id: "pp_meum_meum", captures: [{ id: "capt_1" }] }

describe("meumPaymentState", () => {
  it("an order-first order before its invoice is paid: a Meum session, no payment", () => {
    expect(meumPaymentState({ status: "pending", payment_collections: [{ payment_sessions: [meumSession], payments: [] }] })).toBe("awaiting_payment")
  })

  it("a Meum payment without a capture is still awaiting", () => {
    expect(meumPaymentState({ status: "pending", payment_collections: [{ payment_sessions: [meumSession], payments: [{ provider_id: "pp_meum_meum", captures: [] }] }] })).toBe("awaiting_payment")
  })

  it("paid once a Meum payment of the order has a capture, on any registration (pp_meum_<id>)", () => {
    expect(meumPaymentState({ status: "pending", payment_collections: [{ payment_sessions: [meumSession], payments: [capturedMeum] }] })).toBe("paid")
    expect(meumPaymentState({ status: "completed", payment_collections: [{ payments: [{ provider_id: "pp_meum_meum_second", captures: [{}] }] }] })).toBe("paid")
  })

  it("cancelled wins, also over a capture", () => {
    expect(meumPaymentState({ status: "canceled", payment_collections: [{ payment_sessions: [meumSession], payments: [] }] })).toBe("canceled")
    expect(meumPaymentState({ status: "canceled", payment_collections: [{ payment_sessions: [meumSession], payments: [capturedMeum] }] })).toBe("canceled")
  })

  it("an order of another provider is not_meum, even cancelled, and another provider's capture does not make a Meum order paid", () => {
    expect(meumPaymentState({ status: "pending", payment_collections: [{ payment_sessions: [{ provider_id: "pp_system_default" }], payments: [{ provider_id: "pp_system_default", captures: [{}] }] }] })).toBe("not_meum")
    expect(meumPaymentState({ status: "canceled", payment_collections: [] })).toBe("not_meum")
    expect(meumPaymentState({ status: "pending" })).toBe("not_meum")
    expect(meumPaymentState({ status: "pending", payment_collections: [{ payment_sessions: [meumSession, { provider_id: "pp_system_default" }], payments: [{ provider_id: "pp_system_default", captures: [{}] }] }] })).toBe("awaiting_payment")
  })
})
