/**
 * The merchant's "accept this underpayment" decision, sealed by the server.
 *
 * Medusa stores the provider's session `data` merged with whatever the storefront sent
 * (`{...input.data, ...provider.data}` in the payment module), and the store API shows it to
 * browsers. A plain `meum_underpaid_decision: "accepted"` in that data could therefore be written
 * by a shopper and would let them approve their own underpayment. The provider only honours a
 * decision that carries an HMAC over (session id, invoice id, amount received), keyed by a
 * secret derived from the Meum API key: only the server can make one, every process of the
 * store can check one, and one sealed decision cannot be moved to another session or invoice.
 */
import { seal, sealMatches } from "./server-seal"

export const UNDERPAID_DECISION_FIELD = "meum_underpaid_decision"
export const UNDERPAID_SEAL_FIELD = "meum_underpaid_seal"

export interface AcceptedUnderpayment {
  sessionId: string
  invoiceId: string
  paidAmount: string
}

const PURPOSE = "underpaid-decision"

const payloadOf = (decision: AcceptedUnderpayment): string =>
  ["accepted", decision.sessionId, decision.invoiceId, decision.paidAmount].map(encodeURIComponent).join("~")

/** The fields the admin's accept decision writes into the session data. */
export function sealAcceptedUnderpayment(decision: AcceptedUnderpayment, apiKey: string): Record<string, string> {
  return { [UNDERPAID_DECISION_FIELD]: "accepted", [UNDERPAID_SEAL_FIELD]: seal(PURPOSE, apiKey, payloadOf(decision)) }
}

/** True only for a decision the server sealed for exactly this session, invoice and amount. */
export function isSealedAcceptance(
  data: Record<string, unknown> | undefined,
  decision: AcceptedUnderpayment,
  apiKey: string
): boolean {
  if (data?.[UNDERPAID_DECISION_FIELD] !== "accepted") return false
  return sealMatches(PURPOSE, apiKey, payloadOf(decision), data[UNDERPAID_SEAL_FIELD])
}
