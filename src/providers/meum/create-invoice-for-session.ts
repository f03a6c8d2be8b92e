/**
 * Creates (or recovers) the one invoice of a payment session. Invariants:
 * - the returned invoice is open and is the one this session asked for (amount, currency,
 *   session id in metadata) — Meum may answer a create with an existing invoice of the same
 *   external_order_id;
 * - a create that may have reached Meum (timeout, 5xx) is never sent again blindly: it is
 *   recovered by listing invoices by external_order_id, or reported.
 */
import { MedusaError } from "@medusajs/framework/utils"
import type { Logger } from "@medusajs/framework/types"
import type { MeumClient } from "../../lib/meum/client"
import { MeumApiError } from "../../lib/meum/errors"
import { isOpenInvoiceStatus, type CreateInvoiceInput, type Invoice } from "../../lib/meum/schemas"
import { isUsableForSession, metadataSessionId, type AskedFor } from "./invoice-checks"
import { toMedusaError } from "./medusa-errors"

export async function createInvoiceForSession(
  client: MeumClient,
  input: CreateInvoiceInput,
  asked: Required<AskedFor>,
  logger: Logger
): Promise<Invoice> {
  // At most two creates: the second only after cancelling an older session's open invoice that
  // Meum handed back instead of creating ours (same cart → same external_order_id).
  for (let round = 0; round < 2; round++) {
    const invoice = await createOrRecover(client, input, asked)
    const withMetadata = invoice.metadata ? invoice : await client.getInvoice(invoice.id).catch((e) => {
      throw toMedusaError(e, "reading the new Meum invoice")
    })
    if (isUsableForSession(withMetadata, asked)) return withMetadata

    const owner = metadataSessionId(withMetadata)
    if (round === 0 && isOpenInvoiceStatus(withMetadata.status) && owner !== asked.sessionId && input.external_order_id) {
      // Medusa keeps one session per payment collection and deletes the old ones in parallel
      // with creating the new one: an open invoice of another session of the same cart is stale.
      logger.info(`Meum: replacing open invoice ${withMetadata.id} of a superseded session for the same order`)
      await client.cancelInvoice(withMetadata.id).catch((e) => {
        throw toMedusaError(e, "cancelling a superseded Meum invoice")
      })
      continue
    }
    break
  }
  throw new MedusaError(
    MedusaError.Types.UNEXPECTED_STATE,
    "Meum returned an invoice that does not match this payment (amount, currency or session): it was not used. Please try again."
  )
}

async function createOrRecover(client: MeumClient, input: CreateInvoiceInput, asked: Required<AskedFor>): Promise<Invoice> {
  try {
    return await client.createInvoice(input)
  } catch (error) {
    if (!(error instanceof MeumApiError) || error.kind !== "ambiguous" || !input.external_order_id) {
      throw toMedusaError(error, "creating the Meum invoice")
    }
    const recovered = await findSessionInvoice(client, input.external_order_id, asked.sessionId).catch(() => undefined)
    if (recovered) return recovered
    throw new MedusaError(
      MedusaError.Types.UNEXPECTED_STATE,
      "Meum did not confirm the invoice in time and it could not be found yet: please try again in a moment."
    )
  }
}

/** The invoice of this session among those of the same external_order_id, if Meum has it. */
export async function findSessionInvoice(client: MeumClient, externalOrderId: string, sessionId: string): Promise<Invoice | undefined> {
  for await (const invoice of client.iterateInvoices({ external_order_id: externalOrderId, limit: 100 })) {
    if (metadataSessionId(invoice) === sessionId) return invoice
  }
  return undefined
}
