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
  state: "to_return" | "withdrawn"
  note: string
  withdrawn_at?: string
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
    meum_manual_refunds: notes.map((note) => ({ ...note, state: "withdrawn", note: WITHDRAWN_NOTE, withdrawn_at: now.toISOString() })),
  }
}

export const withdrawnRefundLog = (invoiceId: string, refundCount: number): string =>
  `Meum invoice ${invoiceId}: ${refundCount === 1 ? "the refund" : `the ${refundCount} refunds`} recorded by Medusa's compensation when its first checkout failed ${refundCount === 1 ? "was" : "were"} withdrawn: ` +
  `an order kept the paid invoice, so the payment stands — do NOT return money to the shopper.`
