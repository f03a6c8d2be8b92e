// Meum's transactions of an invoice as the ledger stored them (the order route's `ledger.transactions`):
// read defensively — the stored JSON is whatever Meum sent, so a missing or odd field shows as
// "none", never breaks the widget.
export interface StoredTransaction {
  id: string
  type: string
  network: string | null
  token: string | null
  amount: string | null
  hash: string | null
  confirmations: number | null
  verified: boolean | null
}

/** The kinds Meum documents, in the order they happen. */
const KIND_ORDER = ["payment_origin", "settlement", "refund"]

const text = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null)

/** null: never read from Meum; []: read, and Meum listed none. */
export function storedTransactions(ledger: unknown): StoredTransaction[] | null {
  const stored = ledger && typeof ledger === "object" ? (ledger as Record<string, unknown>).transactions : undefined
  if (!Array.isArray(stored)) return null
  const rank = (type: string) => (KIND_ORDER.includes(type) ? KIND_ORDER.indexOf(type) : KIND_ORDER.length)
  return stored
    .filter((item): item is Record<string, unknown> => Boolean(item) && typeof item === "object")
    .map((item, index) => ({
      id: text(item.id) ?? `#${index}`,
      type: text(item.type) ?? "unknown",
      network: text(item.network),
      token: text(item.token),
      amount: text(item.amount),
      hash: text(item.transaction_hash),
      confirmations: typeof item.confirmations === "number" ? item.confirmations : null,
      verified: typeof item.verified === "boolean" ? item.verified : null,
    }))
    .sort((a, b) => rank(a.type) - rank(b.type))
}

/** When the ledger last read them (ISO string), if ever. */
export const transactionsReadAt = (ledger: unknown): string | null =>
  ledger && typeof ledger === "object" ? text((ledger as Record<string, unknown>).transactions_read_at) : null
