/**
 * Reads the invoice once. The webhook route hands in the invoice it has just read from Meum to
 * check the event (its authoritative read): then nothing is read here. A paid read is remembered
 * for a few seconds so Medusa's authorize/capture calls to the provider, moments later in this
 * same run, do not read it again (src/lib/meum/recent-paid-reads.ts).
 */
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import type { Invoice } from "../../lib/meum/schemas"
import { MeumApiError } from "../../lib/meum/errors"
import { askedFromMetadata, isPaidAsAsked } from "../../lib/meum/invoice-checks"
import { rememberPaidRead } from "../../lib/meum/recent-paid-reads"
import { logUnknownStatusOnce } from "../../lib/meum/unknown-status-log"
import { meumRegistrationFor } from "../../lib/provider-registry"
import type { LocatedInvoice } from "./locate-meum-invoice"
import type { MerchantAction } from "../../modules/meum-ledger/decide"

export interface ReadInvoiceResult {
  invoice?: Invoice
  /** Meum does not know the invoice (404): the ledger closes it. */
  notFound?: boolean
}

export const readMeumInvoiceStep = createStep(
  "read-meum-invoice",
  async ({ located, invoice: handedIn, merchant }: { located: LocatedInvoice; invoice?: Invoice; merchant?: MerchantAction }, { container }) => {
    // Marking an invoice resolved is the merchant's word alone: Meum is not asked.
    if (located.skip || !located.invoiceId || merchant === "resolve") return new StepResponse<ReadInvoiceResult>({})
    const registration = meumRegistrationFor(container, located.providerId)
    if (!registration) {
      throw new MedusaError(MedusaError.Types.UNEXPECTED_STATE, `The Meum payment provider ${located.providerId ?? "(unknown)"} is not configured`)
    }
    const read = async (id: string): Promise<Invoice | undefined> => {
      try {
        return await registration.client.getInvoice(id)
      } catch (error) {
        if (error instanceof MeumApiError && error.isNotFound) return undefined
        throw error
      }
    }
    const invoice = handedIn?.id === located.invoiceId ? handedIn : await read(located.invoiceId)
    if (!invoice) return new StepResponse<ReadInvoiceResult>({ notFound: true })
    if (invoice.status === "unknown") logUnknownStatusOnce(container.resolve(ContainerRegistrationKeys.LOGGER), invoice, located.sessionId)
    let subject = invoice
    if (invoice.status !== "paid" && located.previousInvoiceId) {
      // The session's predecessor was paid but its completion failed: that invoice is the one to settle.
      const previous = await read(located.previousInvoiceId)
      if (previous && isPaidAsAsked(previous, askedFromMetadata(previous))) subject = previous
    }
    rememberPaidRead(registration.client, subject)
    return new StepResponse<ReadInvoiceResult>({ invoice: subject })
  }
)
