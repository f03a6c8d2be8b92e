import { storedTransactions, transactionsReadAt } from "../stored-transactions"

describe("storedTransactions", () => {
  it("is null when the ledger never read them, [] when Meum listed none", () => {
    expect(storedTransactions(undefined)).toBeNull()
    expect(storedTransactions({ transactions: null })).toBeNull()
    expect(storedTransactions({ transactions: [] })).toEqual([])
  })

  it("reads each transaction's facts, in the order money moves, and shows odd fields as none", () => {
    const list = storedTransactions({
      transactions: [
        { id: "txn_2", type: "settlement", network: "near", token: "USDC", amount: "5.00", transaction_hash: "Hx", confirmations: 1, verified: true },
        { id: "txn_1", type: "payment_origin", network: "ethereum", token: "USDC", amount: "5.00", transaction_hash: "0xab", confirmations: 12, verified: false },
        { type: "payout", network: 7, amount: null, confirmations: "3" },
        "junk",
      ],
    })
    expect(list).toEqual([
      { id: "txn_1", type: "payment_origin", network: "ethereum", token: "USDC", amount: "5.00", hash: "0xab", confirmations: 12, verified: false },
      { id: "txn_2", type: "settlement", network: "near", token: "USDC", amount: "5.00", hash: "Hx", confirmations: 1, verified: true },
      { id: "#2", type: "payout", network: null, token: null, amount: null, hash: null, confirmations: null, verified: null },
    ])
  })

  it("reads when they were read", () => {
    expect(transactionsReadAt({ transactions_read_at: "2026-12-05T16:00:00.000Z" })).toBe("2026-12-05T16:00:00.000Z")
    expect(transactionsReadAt({})).toBeNull()
  })
})
