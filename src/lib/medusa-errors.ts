/**
 * Meum failures → MedusaErrors a shopper can act on, with the operator's details in the log.
 *
 * Medusa's error handler answers UNEXPECTED_STATE (and any plain Error) with a 500 "An unknown
 * error occurred", so a shopper would never read our message: shopper-facing failures use types
 * Medusa shows (NOT_ALLOWED / INVALID_DATA → 400, NOT_FOUND → 404). What only the merchant can fix
 * (the API key, its scopes, the payout wallet, a request Meum refused) is never told to the shopper:
 * it goes to the log, where the operator looks.
 */
import { MedusaError } from "@medusajs/framework/utils"
import { MeumApiError } from "./meum/errors"
import { InvalidAmountError } from "./meum/invoice"

export interface OperatorLog {
  error(message: string): unknown
  warn(message: string): unknown
}

export const SHOPPER_MESSAGES = {
  unavailable: "Paying with crypto is not available right now. Please choose another payment method, or try again later.",
  outage: "The crypto payment service is not answering right now. Please try again in a moment.",
  rateLimited: "There are too many payment attempts right now. Please try again in a minute.",
  gone: "This crypto payment no longer exists. Please start the payment again.",
  mismatch: "The crypto payment could not be prepared for this cart. Please try again.",
  previousInvoiceOpen: "Your previous crypto payment for this cart is still open and could not be closed yet. Please try again in a few minutes.",
  /** The cart is an order, or holds a captured payment / paid invoice: never a second invoice. */
  alreadyPaid: "This order is already paid. No new payment is needed.",
  /** An underpaid (or otherwise held) payment waits for the merchant: never a new invoice meanwhile. */
  underReview: "Your payment is being reviewed by the store. The store will contact you; please do not pay again.",
  /** The merchant refused an underpayment and owes the shopper a refund: no new invoice until they mark it done. */
  refundPending: "The store did not accept your partial payment and is refunding it. You can pay again once the store confirms the refund.",
  /** This cart spent its invoice budget (maxInvoicesPerCart per invoiceBudgetWindowMinutes). */
  cartBudget: "Too many payment attempts for this cart. Please wait a few minutes.",
  /** Order-first: the cart's order was cancelled (unpaid or refused): this cart cannot be paid again. */
  orderCanceled: "This order was cancelled. Please start again with a new cart.",
} as const

/** Machine-readable codes of the session refusals above (the store API's `code` field). */
export const SESSION_REFUSAL_CODES = {
  alreadyPaid: "meum_already_paid",
  underReview: "meum_under_review",
  refundPending: "meum_refund_pending",
  cartBudget: "meum_cart_budget",
  orderCanceled: "meum_order_canceled",
} as const

/** A failure the shopper can do something about: retry, or pay another way. */
export const shopperError = (message: string) => new MedusaError(MedusaError.Types.NOT_ALLOWED, message)

export function toMedusaError(error: unknown, doing: string, log: OperatorLog): MedusaError {
  if (error instanceof MedusaError) return error
  if (error instanceof InvalidAmountError) {
    return new MedusaError(MedusaError.Types.INVALID_DATA, `Meum: ${error.message}`)
  }
  if (error instanceof MeumApiError) {
    if (error.code === "payout_wallet_not_configured") {
      log.error(`Meum cannot take payments: the store's payout (settlement) wallet is not configured in Meum's Merchant Admin (while ${doing})`)
      return shopperError(SHOPPER_MESSAGES.unavailable)
    }
    if (error.status === 401 || error.status === 403) {
      log.error(
        `Meum refused the store's API key while ${doing} (HTTP ${error.status}${error.code ? `, ${error.code}` : ""}): check the Meum provider's apiKey and its scopes`
      )
      return shopperError(SHOPPER_MESSAGES.unavailable)
    }
    if (error.status === 429) {
      log.warn(`Meum is rate limiting requests while ${doing}`)
      return shopperError(SHOPPER_MESSAGES.rateLimited)
    }
    if (error.kind === "ambiguous" || error.kind === "retryable" || (error.status ?? 0) >= 500) {
      log.warn(`Meum is unreachable or failing while ${doing}: ${error.message}`)
      return shopperError(SHOPPER_MESSAGES.outage)
    }
    if (error.status === 404) {
      return new MedusaError(MedusaError.Types.NOT_FOUND, SHOPPER_MESSAGES.gone)
    }
    log.error(`Meum rejected the request while ${doing}: ${error.message}`)
    return shopperError(SHOPPER_MESSAGES.unavailable)
  }
  log.error(`Unexpected failure while ${doing}: ${(error as Error)?.message ?? String(error)}`)
  return shopperError(SHOPPER_MESSAGES.unavailable)
}
