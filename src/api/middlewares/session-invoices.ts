/**
 * Before a new Meum session: what Meum itself says about the invoices of the collection's live
 * Meum sessions (one GET each; a collection has one session, rarely more):
 * - paid or underpaid → no new invoice (Medusa may not know yet: the webhook Medusa's core route
 *   acts on is `captured` only, and an underpaid session stays `pending` until someone completes);
 * - open, same amount, ours, not about to expire → reused: Medusa's route would delete the session
 *   (cancelling its invoice) and create another, spending Meum's shared 30 creates/min (issue 18, 3a).
 * A session's `data` only says which invoice to look at; the invoice's metadata must name that
 * session (or, when Meum dropped the metadata, its external_order_id must be this cart's — then it
 * can only refuse), else it is ignored. An invoice Meum cannot show now refuses (fails closed).
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { MeumApiError } from "../../lib/meum/errors"
import { askedFromMetadata, isPaidAsAsked, isUsableForSession, metadataSessionId, orderReferenceOf, toMeumAmount, type Invoice } from "../../lib/meum/invoice"
import { toMedusaError } from "../../lib/medusa-errors"
import { isMeumProviderId, meumRegistrationFor } from "../../lib/provider-registry"
import type { CollectionFacts, CollectionSession } from "./meum-session-facts"

export type SessionInvoiceFinding =
  | { kind: "none" }
  | { kind: "reuse"; sessionId: string }
  | { kind: "paid" | "under_review"; why: string }

/** Session statuses of an open invoice (pay-first / order-first). */
const LIVE_SESSION = new Set(["pending", "pending_authorization"])
/** An invoice expiring sooner than this is replaced: the shopper needs time to pay it. */
export const MIN_REUSE_VALIDITY_MS = 5 * 60_000

export async function inspectSessionInvoices(
  container: MedusaContainer,
  facts: CollectionFacts,
  request: { providerId: string; returnUrl?: unknown; now?: number }
): Promise<SessionInvoiceFinding> {
  let reusable: string | undefined
  for (const session of facts.sessions) {
    const found = await invoiceOf(container, session, facts.cart?.id ?? facts.id)
    if (!found) continue
    const { invoice } = found
    if (invoice.status === "paid") {
      return isPaidAsAsked(invoice, askedFromMetadata(invoice))
        ? { kind: "paid", why: `invoice ${invoice.id} of session ${session.id} is paid` }
        : { kind: "under_review", why: `invoice ${invoice.id} of session ${session.id} is paid, not as asked` }
    }
    if (invoice.status === "underpaid") return { kind: "under_review", why: `invoice ${invoice.id} of session ${session.id} is underpaid` }
    if (found.named && isReusable(invoice, session, facts, request)) reusable = session.id
  }
  // Only when ours is the collection's one session: Medusa's route would also delete the others.
  return reusable && facts.sessions.length === 1 ? { kind: "reuse", sessionId: reusable } : { kind: "none" }
}

/**
 * The invoice of a live Meum session, as Meum has it: `named` when its metadata names that session;
 * `unnamed` when Meum returned it without metadata but it is the invoice the session holds and its
 * external_order_id is this cart's (good enough to refuse a second invoice, never to reuse one).
 */
async function invoiceOf(
  container: MedusaContainer,
  session: CollectionSession,
  orderReference: string
): Promise<{ invoice: Invoice; named: boolean } | undefined> {
  if (!isMeumProviderId(session.provider_id) || !LIVE_SESSION.has(String(session.status))) return undefined
  const invoiceId = session.data?.invoice_id
  const registration = meumRegistrationFor(container, session.provider_id)
  if (!registration || typeof invoiceId !== "string" || invoiceId === "") return undefined
  let invoice: Invoice
  try {
    invoice = await registration.client.getInvoice(invoiceId)
  } catch (error) {
    if (error instanceof MeumApiError && error.isNotFound) return undefined
    // Fail closed: an invoice we cannot read may be paid, and Medusa's route would replace it.
    throw toMedusaError(error, "checking the cart's current Meum invoice", container.resolve(ContainerRegistrationKeys.LOGGER))
  }
  const owner = metadataSessionId(invoice)
  if (owner === session.id) return { invoice, named: true }
  if (owner === undefined && invoice.id === invoiceId && orderReferenceOf(invoice.external_order_id ?? "") === orderReference) return { invoice, named: false }
  return undefined
}

function isReusable(invoice: Invoice, session: CollectionSession, facts: CollectionFacts, request: { providerId: string; returnUrl?: unknown; now?: number }): boolean {
  if (session.provider_id !== request.providerId) return false
  if (String(session.currency_code).toLowerCase() !== facts.currency_code.toLowerCase()) return false
  // Compared as Meum decimal strings (the money library), never as floats.
  const currency = facts.currency_code.toUpperCase()
  const amount = meumAmountOrUndefined(facts.amount, currency)
  if (amount === undefined || meumAmountOrUndefined(session.amount, currency) !== amount) return false
  if (!isUsableForSession(invoice, { amount, currency, sessionId: session.id }) || !invoice.checkout_url) return false
  if (typeof request.returnUrl === "string" && request.returnUrl !== (invoice.return_url ?? undefined)) return false
  if (invoice.expires_at) {
    const expiresAt = Date.parse(invoice.expires_at)
    if (Number.isFinite(expiresAt) && expiresAt - (request.now ?? Date.now()) < MIN_REUSE_VALIDITY_MS) return false
  }
  return true
}

function meumAmountOrUndefined(amount: unknown, currency: string): string | undefined {
  try {
    return toMeumAmount(amount, currency)
  } catch {
    return undefined
  }
}
