/**
 * Meum failures → MedusaErrors with messages a shopper or operator can act on. A plain Error
 * would reach the store API as a 500 with the message hidden (medusa-contract.md §9.15).
 */
import { MedusaError } from "@medusajs/framework/utils"
import { MeumApiError } from "../../lib/meum/errors"
import { InvalidAmountError } from "../../lib/meum/money"

export function toMedusaError(error: unknown, doing: string): MedusaError {
  if (error instanceof MedusaError) return error
  if (error instanceof InvalidAmountError) {
    return new MedusaError(MedusaError.Types.INVALID_DATA, `Meum: ${error.message}`)
  }
  if (error instanceof MeumApiError) {
    if (error.code === "payout_wallet_not_configured") {
      return new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        "Meum cannot take payments yet: the store's payout (settlement) wallet is not configured in Meum's Merchant Admin."
      )
    }
    if (error.status === 401 || error.status === 403) {
      return new MedusaError(
        MedusaError.Types.UNEXPECTED_STATE,
        `Meum refused the store's API key while ${doing} (HTTP ${error.status}${error.code ? `, ${error.code}` : ""}): check the Meum provider's apiKey and its scopes.`
      )
    }
    if (error.status === 429) {
      return new MedusaError(MedusaError.Types.NOT_ALLOWED, `Meum is rate limiting requests while ${doing}: try again in a minute.`)
    }
    if (error.kind === "ambiguous" || error.kind === "retryable" || (error.status ?? 0) >= 500) {
      return new MedusaError(MedusaError.Types.UNEXPECTED_STATE, `Meum is unreachable or failing while ${doing}: please try again.`)
    }
    if (error.status === 404) {
      return new MedusaError(MedusaError.Types.NOT_FOUND, `Meum does not know this invoice (${doing}).`)
    }
    return new MedusaError(MedusaError.Types.UNEXPECTED_STATE, `Meum rejected the request while ${doing}: ${error.message}`)
  }
  return new MedusaError(MedusaError.Types.UNEXPECTED_STATE, `Unexpected failure while ${doing}.`)
}
