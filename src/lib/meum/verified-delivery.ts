/**
 * A verified delivery and its invoice. Nothing is acted on before the signature, the timestamp
 * window and the re-fetched invoice all agree. The session id comes only from the invoice Meum
 * returns (its metadata) or from what the store itself knows (a finder), never from the webhook
 * body. Used by /hooks/meum and, through the provider, by Medusa's core route.
 */
import { rememberPaidRead, type MeumClient } from "./client"
import { MeumApiError } from "./errors"
import { metadataSessionId } from "./invoice-checks"
import type { Invoice } from "./schemas"
import { verifyWebhookForEach, type VerifyWebhookResult, type WebhookCheckOptions } from "./webhook-signature"

/** The Redis event bus JSON-serialises the Buffer into {type:"Buffer", data:[…]}. */
export function rawBodyOf(rawData: unknown): Buffer | undefined {
  if (Buffer.isBuffer(rawData)) return rawData
  if (typeof rawData === "string") return Buffer.from(rawData, "utf8")
  if (rawData && typeof rawData === "object") {
    const shaped = rawData as { type?: unknown; data?: unknown }
    if (shaped.type === "Buffer" && Array.isArray(shaped.data)) return Buffer.from(shaped.data as number[])
  }
  return undefined
}

export interface VerifiedInvoiceEvent {
  eventId: string
  eventType: string
  invoice: Invoice
  sessionId: string
}

export type VerifyAndFetchResult =
  | { ok: true; event: VerifiedInvoiceEvent }
  | { ok: false; reason: string; status: 400 | 401 | 413 | 200; eventId?: string; eventType?: string; invoiceId?: string }

/** A registration's webhook options, as the provider's options name them. */
export interface WebhookRegistrationOptions {
  webhookSecret: readonly string[]
  webhookToleranceSeconds?: number
  allowLegacySignatures?: boolean
  integrationId?: string
}

/** A registration's webhook check: its secrets, tolerance, legacy switch and integration id. */
const checkOptionsOf = (options: WebhookRegistrationOptions): WebhookCheckOptions => ({
  secrets: options.webhookSecret,
  toleranceSeconds: options.webhookToleranceSeconds,
  allowLegacy: options.allowLegacySignatures,
  integrationId: options.integrationId,
})

/** Why a correctly signed delivery is acknowledged without action when its invoice is not this account's. */
export const UNKNOWN_INVOICE_REASON = "the invoice is unknown to Meum"

/** Meum's `webhook.test` (`POST /v1/webhook-endpoints/{id}/test`): verified, recorded, never acted on. */
export const WEBHOOK_TEST_EVENT = "webhook.test"
export const isWebhookTestEvent = (eventType: string | undefined): boolean => eventType === WEBHOOK_TEST_EVENT
/** Reasons answered 400 (the request is malformed); every other rejection is a 401. */
const BAD_REQUEST_REASONS = new Set(["malformed_body", "too_many_signatures"])

export type RejectedVerdict = Extract<VerifyWebhookResult, { ok: false }>

/** How a failed check is answered on the plugin's route. */
export const rejectionOf = (verdict: RejectedVerdict): VerifyAndFetchResult => ({
  ok: false,
  reason: verdict.reason,
  status: BAD_REQUEST_REASONS.has(verdict.reason) ? 400 : 401,
})

/**
 * The whole check of one delivery against each registration at once (one verdict per
 * registration, in order): one HMAC per distinct secret and one parse of the body per request,
 * whatever the number of registrations. No raw body: undefined.
 */
export function verifyForRegistrations(
  rawData: unknown,
  headers: Record<string, unknown>,
  registrations: readonly WebhookRegistrationOptions[],
  now: () => number = Date.now
): VerifyWebhookResult[] | undefined {
  const rawBody = rawBodyOf(rawData)
  if (!rawBody) return undefined
  return verifyWebhookForEach({ rawBody, headers, now, candidates: registrations.map(checkOptionsOf) })
}

/**
 * Where a store finds the Medusa session of an invoice whose metadata came back without it
 * (Meum dropped it): the plugin's route looks it up (ledger, cart); Medusa's core route has none.
 */
export type SessionIdFinder = (invoice: Invoice) => Promise<string | undefined>

/**
 * Re-fetches the invoice of a verified event. Rejections carry an HTTP status for the plugin's own
 * route: 200 for events that are fine but not ours to act on. A Meum outage while re-fetching
 * throws (the caller should answer 5xx / retry).
 */
export async function fetchVerifiedInvoice(
  verified: Extract<VerifyWebhookResult, { ok: true }>,
  client: MeumClient,
  findSessionId?: SessionIdFinder
): Promise<VerifyAndFetchResult> {
  const invoiceId = verified.event.data.invoice_id
  const about = { eventId: verified.eventId, eventType: verified.eventType, invoiceId }
  if (!invoiceId) return { ok: false, reason: `event ${verified.eventType} carries no invoice`, status: 200, ...about }
  // A test event naming an invoice is still only a test: nothing is re-fetched or reconciled.
  if (isWebhookTestEvent(verified.eventType)) return { ok: false, reason: "a test event is never acted on", status: 200, ...about }
  let invoice: Invoice
  try {
    invoice = await client.getInvoice(invoiceId)
  } catch (error) {
    if (error instanceof MeumApiError && error.isNotFound) {
      return { ok: false, reason: UNKNOWN_INVOICE_REASON, status: 200, ...about }
    }
    throw error
  }
  // Medusa's authorize and capture ask the provider for this invoice moments later: a paid read is reused.
  rememberPaidRead(client, invoice)
  const sessionId = metadataSessionId(invoice) ?? (findSessionId ? await findSessionId(invoice) : undefined)
  if (!sessionId) return { ok: false, reason: "the invoice was not created by this store", status: 200, ...about }
  return { ok: true, event: { eventId: verified.eventId, eventType: verified.eventType, invoice, sessionId } }
}

/** One registration: verify (once), then re-fetch the invoice. 401 bad signature, 400 malformed. */
export async function verifyAndFetchInvoice(
  rawData: unknown,
  headers: Record<string, unknown>,
  options: WebhookRegistrationOptions,
  client: MeumClient,
  now: () => number = Date.now,
  findSessionId?: SessionIdFinder
): Promise<VerifyAndFetchResult> {
  const [verified] = verifyForRegistrations(rawData, headers, [options], now) ?? []
  if (!verified) return { ok: false, reason: "no_raw_body", status: 400 }
  if (!verified.ok) return rejectionOf(verified)
  return fetchVerifiedInvoice(verified, client, findSessionId)
}
