/**
 * HMAC seals for facts only the server may make (the signed cart reference, the merchant's
 * underpayment decision). The key is derived from the Meum API key per purpose: every process of
 * the store can make and check a seal, and a seal for one purpose never passes for another.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto"

const keyFor = (purpose: string, apiKey: string): Buffer =>
  createHash("sha256").update(`medusa-payment-meum/${purpose}/v1\0`).update(apiKey).digest()

/** The seal (base64url) of `payload` for `purpose`. */
export const seal = (purpose: string, apiKey: string, payload: string): string =>
  createHmac("sha256", keyFor(purpose, apiKey)).update(payload).digest("base64url")

/** Constant-time check of a seal someone handed back. */
export function sealMatches(purpose: string, apiKey: string, payload: string, given: unknown): boolean {
  if (typeof given !== "string" || given.length > 128) return false
  const expected = Buffer.from(seal(purpose, apiKey, payload))
  const actual = Buffer.from(given)
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}
