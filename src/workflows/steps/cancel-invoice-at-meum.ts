/**
 * Cancels at Meum an invoice whose session is gone, so the old price can no longer be paid. Meum
 * refusing (the invoice is no longer open, or cannot be cancelled) is not a failure: what Meum says
 * about the invoice afterwards is what the ledger records (paid → the merchant, closed → done).
 */
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { MeumApiError } from "../../lib/meum/errors"
import type { Invoice } from "../../lib/meum/schemas"
import { meumRegistrationFor } from "../../lib/provider-registry"

export const cancelInvoiceAtMeumStep = createStep("cancel-meum-invoice", async ({ invoiceId, providerId }: { invoiceId: string; providerId: string }, { container }) => {
  const client = meumRegistrationFor(container, providerId)!.client
  try {
    return new StepResponse<{ invoice?: Invoice }>({ invoice: await client.cancelInvoice(invoiceId) })
  } catch (error) {
    if (error instanceof MeumApiError && error.isNotFound) return new StepResponse<{ invoice?: Invoice }>({})
    if (!(error instanceof MeumApiError && error.kind === "final")) throw error
    return new StepResponse<{ invoice?: Invoice }>({ invoice: await client.getInvoice(invoiceId) })
  }
})
