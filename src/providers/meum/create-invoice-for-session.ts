/**
 * Creates (or recovers) the one invoice of a payment session. Invariants:
 * - the returned invoice is open and is the one this session asked for (amount, currency, and
 *   the session id in its metadata — or, when Meum's create answer has no metadata, an
 *   external_order_id only this session can have sent; else it is read back). Meum dedupes
 *   creation by external_order_id and may hand back an existing invoice *in any status* (docs:
 *   "returns the existing invoice rather than a duplicate"), or refuse with 409 (listed,
 *   unexplained). Such an answer is never used: an open invoice of a superseded session of ours
 *   is cancelled, and the next external_order_id of the documented sequence is tried (src/lib/meum/invoice.ts, "Whose invoice") — whichever way Meum dedupes
 *   (any status, open only, not at all), the shopper ends with a payable invoice;
 * - a create that may have reached Meum (timeout, 5xx) is never sent again blindly: it is
 *   recovered by listing invoices by that external_order_id, or reported.
 */
import type { Logger } from "@medusajs/framework/types"
import type { MeumClient } from "../../lib/meum/client"
import { MeumApiError } from "../../lib/meum/errors"
import { externalOrderIdCandidates, invoiceMatchesAsked, isOpenInvoiceStatus, isUsableForSession, metadataSessionId, type AskedFor, type Invoice } from "../../lib/meum/invoice"
import { type CreateInvoiceInput } from "../../lib/meum/schemas"
import { SHOPPER_MESSAGES, shopperError, toMedusaError } from "../../lib/medusa-errors"

export interface InvoiceReference {
  /** The order reference: the cart id (or the session id when no cart is known). */
  reference: string
  /** The external_order_id this session used last, if any (the sequence continues after it). */
  previousExternalOrderId?: string
}

export async function createInvoiceForSession(
  client: MeumClient,
  input: Omit<CreateInvoiceInput, "external_order_id">,
  asked: Required<AskedFor>,
  logger: Logger,
  ref: InvoiceReference
): Promise<{ invoice: Invoice; externalOrderId: string }> {
  for (const externalOrderId of externalOrderIdCandidates(ref.reference, asked.sessionId, ref.previousExternalOrderId)) {
    const answered = await createOrRecover(client, { ...input, external_order_id: externalOrderId }, asked, logger)
    // Meum's documented create answer carries no metadata. It is used as it stands only when it
    // is open and as asked for an external_order_id that names this session (no other session can
    // have used it); otherwise it is read back, so the metadata says whose invoice it is.
    if (!answered.metadata && namesThisSession(externalOrderId, ref.reference, asked.sessionId) && isOpenAsAsked(answered, asked)) {
      return { invoice: answered, externalOrderId }
    }
    const invoice = answered.metadata ? answered : await client.getInvoice(answered.id).catch((e) => {
      throw toMedusaError(e, "reading the new Meum invoice", logger)
    })
    if (isUsableForSession(invoice, asked)) return { invoice, externalOrderId }

    const owner = metadataSessionId(invoice)
    if (isOpenInvoiceStatus(invoice.status) && owner !== undefined) {
      // An invoice of ours still payable for the same order reference: Medusa keeps one session
      // per payment collection and deletes the old ones in parallel with creating the new one,
      // or the amount changed. It is stale: it must not stay payable.
      logger.info(`Meum: cancelling open invoice ${invoice.id} of a superseded session (external_order_id ${externalOrderId})`)
      await client.cancelInvoice(invoice.id).catch((e) => {
        throw supersededCancelFailed(e, invoice.id, logger)
      })
    } else {
      logger.info(
        `Meum answered the create for external_order_id ${externalOrderId} with existing invoice ${invoice.id} (${invoice.reported_status ?? "no status"}): trying the next external_order_id`
      )
    }
  }
  logger.error(`Meum kept answering creates for order reference ${ref.reference} with invoices this session cannot use (amount, currency, session or status): none was used`)
  throw shopperError(SHOPPER_MESSAGES.mismatch)
}

/**
 * Whether an external_order_id can only ever have been sent by this session: every candidate after
 * the plain order reference embeds the session id (src/lib/meum/invoice.ts), and the plain reference
 * is the session id itself when no cart was resolved. Medusa makes the session id (a new one per
 * session, never the shopper's), so Meum can answer such a create only with a new invoice or with
 * one this session created — open and as asked, that is the invoice this session asked for.
 */
function namesThisSession(externalOrderId: string, reference: string, sessionId: string): boolean {
  return externalOrderId !== reference || reference === sessionId
}

// Meum echoes the amount string it was sent: equal strings (same currency) need no decimal parse.
const isOpenAsAsked = (invoice: Invoice, asked: Required<AskedFor>): boolean =>
  isOpenInvoiceStatus(invoice.status) &&
  ((invoice.amount === asked.amount && invoice.currency?.toUpperCase() === asked.currency.toUpperCase()) || invoiceMatchesAsked(invoice, asked))

/**
 * Meum did not cancel a superseded invoice that is still payable: no second payable invoice is
 * opened, and the shopper is told the truth (not "the service is not answering" while the rest
 * of Meum works). Its session is gone, so the reconcile job's sweep of abandoned invoices keeps
 * trying the cancel (cancel-abandoned-invoices.ts); each new session attempt tries it too, so the
 * cart is payable as soon as Meum accepts.
 */
function supersededCancelFailed(error: unknown, invoiceId: string, logger: Logger) {
  if (error instanceof MeumApiError && error.status === 429) return toMedusaError(error, "cancelling a superseded Meum invoice", logger)
  logger.warn(`Meum did not cancel superseded invoice ${invoiceId}, which is still payable: no new invoice until it is cancelled (the reconcile job retries): ${(error as Error)?.message ?? String(error)}`)
  return shopperError(SHOPPER_MESSAGES.previousInvoiceOpen)
}

async function createOrRecover(client: MeumClient, input: CreateInvoiceInput, asked: Required<AskedFor>, logger: Logger): Promise<Invoice> {
  const externalOrderId = input.external_order_id!
  try {
    return await client.createInvoice(input)
  } catch (error) {
    if (error instanceof MeumApiError && error.status === 409) {
      // "Conflict" on create is listed but not explained: read it as "an invoice with this
      // external_order_id exists" and look it up, like an ambiguous create.
      const existing = await invoicesOf(client, externalOrderId).catch(() => [] as Invoice[])
      const found = existing.find((invoice) => metadataSessionId(invoice) === asked.sessionId) ?? existing[0]
      if (found) return found
      logger.warn(`Meum answered 409 to the create for external_order_id ${externalOrderId} and lists no invoice for it yet`)
      throw shopperError(SHOPPER_MESSAGES.outage)
    }
    if (!(error instanceof MeumApiError) || error.kind !== "ambiguous") {
      throw toMedusaError(error, "creating the Meum invoice", logger)
    }
    const recovered = await findSessionInvoice(client, externalOrderId, asked.sessionId).catch(() => undefined)
    if (recovered) return recovered
    logger.warn(`Meum did not confirm the create for external_order_id ${externalOrderId} in time and it cannot be found yet`)
    throw shopperError(SHOPPER_MESSAGES.outage)
  }
}

/** Every invoice Meum lists for an exact external_order_id, newest first as Meum lists them. */
async function invoicesOf(client: MeumClient, externalOrderId: string): Promise<Invoice[]> {
  const all: Invoice[] = []
  for await (const invoice of client.iterateInvoices({ external_order_id: externalOrderId, limit: 100 })) all.push(invoice)
  return all
}

/** The invoice of this session among those of the same external_order_id, if Meum has it. */
export async function findSessionInvoice(client: MeumClient, externalOrderId: string, sessionId: string): Promise<Invoice | undefined> {
  for await (const invoice of client.iterateInvoices({ external_order_id: externalOrderId, limit: 100 })) {
    if (metadataSessionId(invoice) === sessionId) return invoice
  }
  return undefined
}
