/**
 * refunds: "manual" — the words the operator reads, in one place. Meum has no refund API, so a
 * refund recorded in Medusa is a promise to return money outside Meum. Medusa's compensation of a
 * failed checkout records such a refund too, and the plugin withdraws it when an order adopts the
 * paid invoice (src/workflows/steps/adopt-paid-invoice.ts). So the first word is pending, the second final, and
 * both name the same refund: never "return the money" followed by "do NOT refund".
 */
export interface ManualRefundNote {
  amount: string
  currency: string
  recorded_at: string
  state: "to_return" | "withdrawn" | "returned_on_chain"
  note: string
  withdrawn_at?: string
  /** state returned_on_chain: the Medusa refund and the transaction the merchant recorded. */
  refund_id?: string
  transaction_hash?: string
  network?: string
}

export const TO_RETURN_NOTE =
  "Recorded in Medusa only: Meum has no refund API. Return this money to the shopper outside Meum (e.g. from the settlement wallet) — unless the plugin marks this refund withdrawn."
export const WITHDRAWN_NOTE =
  "Withdrawn: this refund was recorded by Medusa's compensation of a failed checkout and then removed, because an order kept the paid invoice. The payment stands: do NOT return money."

export const manualRefundNote = (amount: string, currency: string, now = new Date()): ManualRefundNote => ({
  amount,
  currency,
  recorded_at: now.toISOString(),
  state: "to_return",
  note: TO_RETURN_NOTE,
})

export const recordedRefundLog = (invoiceId: string, amount: string, currency: string): string =>
  `Meum invoice ${invoiceId}: a refund of ${amount} ${currency} was recorded in Medusa (nothing was sent to Meum: it has no refund API). ` +
  `Return it to the shopper outside Meum, unless the plugin logs that this refund was withdrawn (it does when the refund came from a failed checkout whose paid invoice an order then kept).`

/** The notes of a payment whose recorded refunds the plugin removed: each marked withdrawn. */
export function withdrawManualRefunds(data: Record<string, unknown> | null | undefined, now = new Date()): Record<string, unknown> {
  const notes = Array.isArray(data?.meum_manual_refunds) ? (data!.meum_manual_refunds as Array<Record<string, unknown>>) : []
  return {
    ...(data ?? {}),
    // A refund the merchant returned on-chain stays as recorded: that money did move.
    meum_manual_refunds: notes.map((note) =>
      note.state === "returned_on_chain" ? note : { ...note, state: "withdrawn", note: WITHDRAWN_NOTE, withdrawn_at: now.toISOString() }
    ),
  }
}

export const withdrawnRefundLog = (invoiceId: string, refundCount: number): string =>
  `Meum invoice ${invoiceId}: ${refundCount === 1 ? "the refund" : `the ${refundCount} refunds`} recorded by Medusa's compensation when its first checkout failed ${refundCount === 1 ? "was" : "were"} withdrawn: ` +
  `an order kept the paid invoice, so the payment stands — do NOT return money to the shopper.`

/**
 * A refund the merchant already sent on-chain and recorded with its transaction (POST
 * /admin/meum/payments/:id/manual-refund): what Medusa's refund keeps in its metadata.
 */
export interface OnChainRefundRecord {
  meum_transaction_hash: string
  meum_network: string
  meum_recorded_by: string | null
  meum_recorded_at: string
}

export const MANUAL_REFUND_REASON = {
  code: "meum_manual_refund_onchain",
  label: "Meum manual refund (on-chain)",
  description: "Money returned to the shopper on-chain, outside Meum (Meum has no refund API); the refund's metadata holds the transaction hash and network.",
} as const

export const RETURNED_ON_CHAIN_NOTE = "Returned to the shopper on-chain by the merchant, outside Meum: see the transaction hash and network."

/** Medusa's refund note (shown in Medusa's own order page): the transaction first, in a fixed, parseable form. */
export const onChainRefundNote = (network: string, hash: string, merchantNote?: string): string =>
  `On-chain refund: network=${network} tx=${hash}${merchantNote ? ` — ${merchantNote}` : ""}`

/** Reads the transaction back from a refund's note written by onChainRefundNote (for refunds whose metadata was lost). */
export function parseOnChainRefundNote(note: string | null | undefined): { network: string; transaction_hash: string } | undefined {
  const match = /^On-chain refund: network=(\S+) tx=(\S+)/.exec(note ?? "")
  return match ? { network: match[1], transaction_hash: match[2] } : undefined
}

/**
 * The payment's notes once the refund just recorded is known to be returned on-chain: the
 * provider appended a "to_return" note for it (the last one, added under the route's lock), which
 * now says the money went back, with which transaction. Unchanged if that note is not there.
 */
export function markReturnedOnChain(
  data: Record<string, unknown> | null | undefined,
  previousCount: number,
  refund: { refund_id: string; transaction_hash: string; network: string }
): Record<string, unknown> | undefined {
  const notes = Array.isArray(data?.meum_manual_refunds) ? (data!.meum_manual_refunds as Array<Record<string, unknown>>) : []
  const last = notes[notes.length - 1]
  if (notes.length !== previousCount + 1 || last?.state !== "to_return") return undefined
  return { ...data, meum_manual_refunds: [...notes.slice(0, -1), { ...last, ...refund, state: "returned_on_chain", note: RETURNED_ON_CHAIN_NOTE }] }
}
