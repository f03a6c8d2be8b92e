/**
 * Webhook → Medusa action, for Medusa's core route `/hooks/payment/meum_meum`: the delivery is
 * verified and its invoice re-fetched by `verifyAndFetchInvoice` (src/lib/meum/webhook-signature.ts,
 * as /hooks/meum does). `captured` is reported with the session amount in major units; paid
 * invoices whose amount/currency differ from what was asked are logged loudly and not acted on.
 */
import { BigNumber } from "@medusajs/framework/utils"
import type { Logger, ProviderWebhookPayload, WebhookActionResult } from "@medusajs/framework/types"
import type { MeumClient } from "./meum/client"
import { isKnownWebhookEventType } from "./meum/schemas"
import { askedFromMetadata, isPaidAsAsked, STATUS_OF_EVENT, webhookActionForEvent } from "./meum/invoice"
import { verifyAndFetchInvoice } from "./meum/webhook-signature"
import type { MeumProviderOptions } from "./provider-options"

type WebhookPayload = ProviderWebhookPayload["payload"]

const NOT_SUPPORTED: WebhookActionResult = { action: "not_supported" }

/** The outcome of a verified test delivery in the store's record (what the setup command looks for). */
export const VERIFIED_TEST_OUTCOME = "verified_test"

export async function webhookActionAndData(
  payload: WebhookPayload,
  options: MeumProviderOptions,
  client: MeumClient,
  logger: Logger
): Promise<WebhookActionResult> {
  // No session finder here: the container Medusa gives the provider is the payment module's, where
  // the ledger and the cart are out of reach, so an invoice without our metadata is not acted on
  // (/hooks/meum matches it through the ledger or its cart).
  const result = await verifyAndFetchInvoice(payload.rawData, payload.headers ?? {}, options, client)
  if (!result.ok) {
    // Reason only: never the body, a header value or a secret.
    logger.warn(`Meum webhook ignored: ${result.reason}`)
    return NOT_SUPPORTED
  }
  const { invoice, sessionId, eventType } = result.event
  if (!isKnownWebhookEventType(eventType)) return NOT_SUPPORTED
  const action = webhookActionForEvent(eventType)
  if (action === "not_supported") return NOT_SUPPORTED

  const expectedStatus = STATUS_OF_EVENT[eventType]
  if (expectedStatus && invoice.status !== expectedStatus) {
    logger.warn(`Meum webhook ${eventType} ignored: invoice ${invoice.id} is now ${invoice.status}`)
    return NOT_SUPPORTED
  }
  const asked = askedFromMetadata(invoice)
  if (action === "captured" && !isPaidAsAsked(invoice, asked)) {
    logger.error(
      `Meum invoice ${invoice.id} is paid but its amount or currency differ from the Medusa session ${sessionId}: NOT captured, review it in Meum and Medusa`
    )
    return NOT_SUPPORTED
  }
  return { action, data: { session_id: sessionId, amount: new BigNumber(asked.amount) } }
}
