/**
 * A signed reference to the cart (or payment collection) a payment session belongs to.
 *
 * Medusa passes providers no cart id, and a provider cannot query the cart module. The plugin's
 * middleware on the payment-session route resolves the cart on the server and writes this token
 * into the session `data`, replacing anything the shopper sent. initiatePayment trusts only a
 * token whose HMAC verifies, so a shopper cannot point an invoice at someone else's cart.
 * The HMAC key is derived from the Meum API key: every process of the store can verify it, and
 * the token itself reveals nothing secret (the cart id is the shopper's own).
 */
import { seal, sealMatches } from "./server-seal"

export const CART_REFERENCE_FIELD = "meum_cart_ref"

export type CartReferenceKind = "cart" | "payment_collection"

export interface CartReference {
  kind: CartReferenceKind
  /** The cart id, or the payment collection id when no cart is linked. */
  id: string
  paymentCollectionId: string
}

const PURPOSE = "cart-reference"

const encodePayload = (reference: CartReference): string =>
  [reference.kind, reference.id, reference.paymentCollectionId].map(encodeURIComponent).join("~")

export function signCartReference(reference: CartReference, apiKey: string): string {
  const payload = encodePayload(reference)
  return `${payload}.${seal(PURPOSE, apiKey, payload)}`
}

export function verifyCartReference(token: unknown, apiKey: string): CartReference | undefined {
  if (typeof token !== "string" || token.length > 1024) return undefined
  const dot = token.lastIndexOf(".")
  if (dot <= 0) return undefined
  const payload = token.slice(0, dot)
  if (!sealMatches(PURPOSE, apiKey, payload, token.slice(dot + 1))) return undefined
  const [kind, id, paymentCollectionId] = payload.split("~").map(decodeURIComponent)
  if ((kind !== "cart" && kind !== "payment_collection") || !id || !paymentCollectionId) return undefined
  return { kind, id, paymentCollectionId }
}
