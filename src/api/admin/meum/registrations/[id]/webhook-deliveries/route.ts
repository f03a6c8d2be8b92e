/**
 * GET /admin/meum/registrations/:id/webhook-deliveries — Meum's recent delivery attempts to the
 * registration's endpoint (option webhookEndpointId), from `GET /v1/webhook-endpoints/{id}/deliveries`,
 * for the health page beside what the store recorded. No endpoint configured: an empty list and
 * `endpoint_id: null`. Meum unreachable: the list is empty and `error` says why (the page still renders).
 */
import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MeumApiError } from "../../../../../../lib/meum/errors"
import { registrationOfRequest } from "../registration-of-request"

export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const registration = registrationOfRequest(req)
  const endpointId = registration.options.webhookEndpointId ?? null
  if (!endpointId) {
    res.json({ provider_id: registration.providerId, endpoint_id: null, deliveries: [] })
    return
  }
  try {
    const page = await registration.client.listWebhookEndpointDeliveries(endpointId, { limit: 20 })
    const deliveries = page.data.map((attempt) => ({
      id: attempt.id,
      event_id: attempt.event_id ?? null,
      event_type: attempt.event_type ?? null,
      attempt_number: attempt.attempt_number ?? null,
      status_code: attempt.status_code ?? null,
      attempted_at: attempt.attempted_at ?? null,
    }))
    res.json({ provider_id: registration.providerId, endpoint_id: endpointId, deliveries })
  } catch (error) {
    if (!(error instanceof MeumApiError)) throw error
    res.json({ provider_id: registration.providerId, endpoint_id: endpointId, deliveries: [], error: error.message })
  }
}
