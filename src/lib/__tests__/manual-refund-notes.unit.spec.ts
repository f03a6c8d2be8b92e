import { manualRefundNote, markReturnedOnChain, onChainRefundNote, parseOnChainRefundNote, withdrawManualRefunds } from "../manual-refund-notes"

const HASH = "0x" + "ab".repeat(32)
const ON_CHAIN = { refund_id: "ref_1", transaction_hash: HASH, network: "ethereum" }

describe("on-chain manual refunds in the payment's notes", () => {
  it("marks the note the provider just appended as returned on-chain, with its refund and transaction", () => {
    const data = { invoice_id: "inv_1", meum_manual_refunds: [manualRefundNote("5.00", "USD")] }
    const marked = markReturnedOnChain(data, 0, ON_CHAIN)
    expect(marked).toEqual({
      invoice_id: "inv_1",
      meum_manual_refunds: [expect.objectContaining({ amount: "5.00", state: "returned_on_chain", ...ON_CHAIN, note: expect.stringContaining("on-chain") })],
    })
  })

  it("changes nothing when no note was appended, or the last one is not pending", () => {
    const data = { meum_manual_refunds: [manualRefundNote("5.00", "USD")] }
    expect(markReturnedOnChain(data, 1, ON_CHAIN)).toBeUndefined()
    expect(markReturnedOnChain({}, 0, ON_CHAIN)).toBeUndefined()
    expect(markReturnedOnChain(withdrawManualRefunds(data), 0, ON_CHAIN)).toBeUndefined()
  })

  it("never withdraws a refund that was returned on-chain", () => {
    const returned = markReturnedOnChain({ meum_manual_refunds: [manualRefundNote("5.00", "USD")] }, 0, ON_CHAIN)!
    const withdrawn = withdrawManualRefunds({ meum_manual_refunds: [...(returned.meum_manual_refunds as unknown[]), manualRefundNote("2.00", "USD")] })
    expect((withdrawn.meum_manual_refunds as Array<{ state: string }>).map((note) => note.state)).toEqual(["returned_on_chain", "withdrawn"])
  })

  it("writes Medusa's refund note in a form it reads back", () => {
    const note = onChainRefundNote("solana", "5".repeat(88), "returned one item")
    expect(note).toBe(`On-chain refund: network=solana tx=${"5".repeat(88)} — returned one item`)
    expect(parseOnChainRefundNote(note)).toEqual({ network: "solana", transaction_hash: "5".repeat(88) })
    expect(parseOnChainRefundNote("refunded by bank")).toBeUndefined()
    expect(parseOnChainRefundNote(null)).toBeUndefined()
  })
})
