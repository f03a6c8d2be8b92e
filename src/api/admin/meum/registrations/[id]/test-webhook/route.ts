/**
 * POST /admin/meum/registrations/:id/test-webhook — the health page's "Send test webhook": Meum sends
 * its `webhook.test` to the registration's endpoint (option webhookEndpointId), and the answer says
 * whether /hooks/meum received and verified it (`verified`), rejected it (`rejected`, e.g. 401: the
 * endpoint's secret is not in webhookSecret) or never got it (`not_received`), within 10 s.
 */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { MeumApiError } from "../../../../../../lib/meum/errors"
import { sendAndCheckTestWebhook } from "../../../../../../lib/webhook-test-check"
import { MEUM_LEDGER_MODULE } from "../../../../../../modules/meum-ledger"
import type MeumLedgerService from "../../../../../../modules/meum-ledger/service"
import { registrationOfRequest } from "../registration-of-request"

const WAIT_MS = 10_000

export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const registration = registrationOfRequest(req)
  const endpointId = registration.options.webhookEndpointId
  if (!endpointId) {
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `Registration ${registration.registrationId} names no Meum webhook endpoint: run the setup-meum-webhook command and set webhookEndpointId`
    )
  }
  try {
    const verdict = await sendAndCheckTestWebhook(endpointId, { client: registration.client, storeRecord: (eventId) => (req.scope.resolve(MEUM_LEDGER_MODULE) as MeumLedgerService).findDelivery(eventId), waitMs: WAIT_MS })
    res.json({ provider_id: registration.providerId, endpoint_id: endpointId, ...verdict })
  } catch (error) {
    if (!(error instanceof MeumApiError)) throw error
    // The client's messages never carry the API key.
    if (error.status === 429) throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "Meum rate-limits test webhooks: try again in a minute")
    throw new MedusaError(MedusaError.Types.UNEXPECTED_STATE, `Meum did not send the test webhook: ${error.message}`)
  }
}
