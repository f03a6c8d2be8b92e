/**
 * Meum webhook signatures (meum-api.md §11.4 and the project decisions table).
 *
 * v1:     X-Stablecoin-Signature: v1=<hex HMAC-SHA256(secret, `${timestamp}.${rawBody}`)>
 * legacy: X-Stablecoin-Signature: sha256=<hex HMAC-SHA256(secret, rawBody)>  (no timestamp → no
 *         replay protection, so only accepted when explicitly enabled)
 *
 * Header names: `X-Stablecoin-*` is authoritative (four doc pages); one page says `X-Meum-*`, so
 * that spelling is accepted as a fallback. Verification never throws for bad input: it returns a
 * typed reason whose `detail` never contains a secret, a signature or the body.
 *
 * Work before trust is bounded (issue 18.1): at most MAX_SIGNATURE_VALUES values per header (more →
 * `too_many_signatures` before any HMAC), one digest per distinct secret per request, compared with
 * every value; `verifyWebhookForEach` checks several registrations with those same digests.
 *
 * Then the verified delivery: nothing is acted on before the signature, the timestamp window and
 * the re-fetched invoice all agree (the last section, used by /hooks/meum and, through the
 * provider, by Medusa's core route). The session id comes only from the invoice Meum returns (its
 * metadata) or from what the store itself knows (a finder), never from the webhook body.
 */
import { createHmac, timingSafeEqual } from "node:crypto"
import { rememberPaidRead, type MeumClient } from "./client"
import { MeumApiError } from "./errors"
import { metadataSessionId, type Invoice } from "./invoice"
import { webhookEventSchema, type WebhookEvent } from "./schemas"

export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300

export type WebhookRejectionReason =
  | "missing_signature"
  | "missing_timestamp"
  | "invalid_timestamp"
  | "stale_timestamp"
  | "future_timestamp"
  | "bad_signature"
  | "too_many_signatures"
  | "legacy_signature_not_allowed"
  | "malformed_body"
  | "integration_id_mismatch"
  | "no_secret_configured"

export interface VerifyWebhookInput {
  /** The exact bytes received, before any JSON parsing. */
  rawBody: Buffer | string
  headers: Record<string, unknown>
  /** A signature matching any one of them passes (secret rotation). */
  secrets: readonly string[]
  toleranceSeconds?: number
  /** Milliseconds clock. */
  now?: () => number
  allowLegacy?: boolean
  /** When set and the request carries an integration id header, the two must be equal. */
  integrationId?: string
}

export type VerifyWebhookResult =
  | {
      ok: true
      event: WebhookEvent
      eventId: string
      eventType: string
      timestamp: number | null
      scheme: "v1" | "legacy"
      integrationId?: string
    }
  | { ok: false; reason: WebhookRejectionReason; detail: string }

export interface SignWebhookInput {
  secret: string
  rawBody: Buffer | string
  /** Unix seconds. */
  timestamp: number
  eventType: string
  eventId: string
  integrationId?: string
  legacy?: boolean
  headerPrefix?: "X-Stablecoin" | "X-Meum"
}

/** Lower-case names, X-Stablecoin-* first, then the X-Meum-* fallback (constants: cheaper lookups). */
const HEADER_NAMES = {
  signature: ["x-stablecoin-signature", "x-meum-signature"],
  timestamp: ["x-stablecoin-timestamp", "x-meum-timestamp"],
  "event-id": ["x-stablecoin-event-id", "x-meum-event-id"],
  "integration-id": ["x-stablecoin-integration-id", "x-meum-integration-id"],
} as const

/**
 * Reads webhook headers: a direct lookup first (Node's IncomingMessage already lower-cases names,
 * so this is the hot path), and a case-insensitive copy built only for callers that do not.
 */
class HeaderReader {
  private lowerCased: Map<string, unknown> | undefined

  constructor(private readonly headers: Record<string, unknown>) {}

  private raw(name: string): unknown {
    const direct = this.headers[name]
    if (direct !== undefined) return direct
    if (!this.lowerCased) {
      this.lowerCased = new Map()
      for (const key in this.headers) this.lowerCased.set(key.toLowerCase(), this.headers[key])
    }
    return this.lowerCased.get(name)
  }

  /** The first non-empty value among the names; arrays take their first value. */
  read(header: keyof typeof HEADER_NAMES): string | undefined {
    const names = HEADER_NAMES[header]
    for (let i = 0; i < names.length; i++) {
      const value = this.raw(names[i])
      const first = Array.isArray(value) ? value[0] : value
      if (typeof first === "string") {
        const trimmed = first.trim()
        if (trimmed !== "") return trimmed
      }
    }
    return undefined
  }
}

const toBuffer = (body: Buffer | string): Buffer => (Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8"))

/** HMAC-SHA256 of `prefix` (if any) followed by the body. */
function hmacDigest(secret: string, rawBody: Buffer | string, prefix?: string): Buffer {
  const hmac = createHmac("sha256", secret)
  if (prefix !== undefined) hmac.update(prefix, "utf8")
  return hmac.update(rawBody).digest()
}

export function computeV1Signature(secret: string, timestamp: number | string, rawBody: Buffer | string): string {
  return "v1=" + hmacDigest(secret, rawBody, `${timestamp}.`).toString("hex")
}

export function computeLegacySignature(secret: string, rawBody: Buffer | string): string {
  return "sha256=" + hmacDigest(secret, rawBody).toString("hex")
}

const HEX = /^[0-9a-f]+$/i

/**
 * Constant-time comparison (crypto.timingSafeEqual) of a digest with a hex candidate; a malformed
 * candidate never throws. A hand-written XOR loop over the hex strings would skip two small
 * allocations (~15 % of a verification, bench 2) but the library primitive is kept on purpose.
 */
function digestsEqual(expected: Buffer, candidateHex: string): boolean {
  const wellFormed = candidateHex.length === expected.length * 2 && HEX.test(candidateHex)
  // timingSafeEqual needs equal lengths; a malformed candidate is compared against the expected
  // digest itself so the work done does not depend on where (or whether) it is malformed.
  const comparable = wellFormed ? Buffer.from(candidateHex, "hex") : expected
  return timingSafeEqual(expected, comparable) && wellFormed
}

const reject = (reason: WebhookRejectionReason, detail: string): { ok: false; reason: WebhookRejectionReason; detail: string } => ({
  ok: false,
  reason,
  detail,
})

type SignatureValue = { scheme: "v1" | "legacy"; hex: string }

function parseSignatureValue(part: string): SignatureValue | undefined {
  if (part.startsWith("v1=")) return { scheme: "v1", hex: part.slice(3) }
  if (part.startsWith("sha256=")) return { scheme: "legacy", hex: part.slice(7) }
  return undefined
}

/**
 * The most comma-separated values a signature header may carry. Meum sends one (two during a
 * rotation at its side); without a cap, each value of a forged header cost a full HMAC over the
 * body per secret (issue 18: ~3,900 empty values stalled the store for seconds).
 */
export const MAX_SIGNATURE_VALUES = 5

/** The header's values, or undefined when it carries more than MAX_SIGNATURE_VALUES (counted before any split). */
function signatureValues(header: string): SignatureValue[] | undefined {
  if (!header.includes(",")) {
    const single = parseSignatureValue(header)
    return single ? [single] : []
  }
  let commas = 0
  for (let i = header.indexOf(","); i !== -1; i = header.indexOf(",", i + 1)) {
    if (++commas >= MAX_SIGNATURE_VALUES) return undefined
  }
  return header
    .split(",")
    .map((part) => parseSignatureValue(part.trim()))
    .filter((value): value is SignatureValue => value !== undefined)
}

/**
 * Whether the signature header carries more values than MAX_SIGNATURE_VALUES: lets a route refuse
 * the request from its headers alone, before it even reads the body.
 */
export function signatureValueCapExceeded(headers: Record<string, unknown>): boolean {
  const header = new HeaderReader(headers ?? {}).read("signature")
  return header !== undefined && signatureValues(header) === undefined
}

export type WebhookSignatureCheck =
  | { ok: true; timestamp: number | null; scheme: "v1" | "legacy" }
  | { ok: false; reason: WebhookRejectionReason; detail: string }

/** One registration's rules: its secrets (rotation), tolerance, legacy switch and integration id. */
export type WebhookCheckOptions = Pick<VerifyWebhookInput, "secrets" | "toleranceSeconds" | "allowLegacy" | "integrationId">

const usableSecrets = (secrets: readonly string[]): readonly string[] =>
  secrets.every((secret) => typeof secret === "string" && secret.length > 0)
    ? secrets
    : secrets.filter((secret) => typeof secret === "string" && secret.length > 0)

/**
 * Whether any candidate value equals any of the digests. Every value is compared with every digest
 * (no early exit), so timing does not reveal which secret matched.
 */
function anyValueMatches(digests: readonly Buffer[], values: readonly SignatureValue[]): boolean {
  let matched = false
  for (const value of values) {
    for (const digest of digests) {
      if (digestsEqual(digest, value.hex)) matched = true
    }
  }
  return matched
}

/**
 * One request's body digests, each (prefix, secret) computed once. @internal exported for its unit test
 * only (not part of the ./meum API, although the index re-exports the module).
 */
export function requestDigests(rawBody: Buffer | string): (secret: string, prefix?: string) => Buffer {
  const digests = new Map<string, Buffer>()
  return (secret, prefix) => {
    // Keyed by prefix AND secret: one secret's v1 digest (timestamp prefix) is not its legacy one.
    // "\0" cannot occur in a timestamp prefix, so no two (prefix, secret) pairs share a key.
    const key = `${prefix ?? ""}\0${secret}`
    let digest = digests.get(key)
    if (!digest) {
      digest = hmacDigest(secret, rawBody, prefix)
      digests.set(key, digest)
    }
    return digest
  }
}

/**
 * The signature checks of several registrations over one request. Each distinct secret's digest
 * is computed once (memoised per request), so the cost is O(distinct secrets) HMACs over the
 * body, whatever the number of values (capped) or registrations.
 */
function checkSignatures(
  rawBody: Buffer | string,
  headers: HeaderReader,
  candidates: readonly WebhookCheckOptions[],
  now: () => number
): WebhookSignatureCheck[] {
  const header = headers.read("signature")
  const values = header === undefined ? undefined : signatureValues(header)
  const v1Values = values?.filter((value) => value.scheme === "v1") ?? []
  const timestampHeader = v1Values.length > 0 ? headers.read("timestamp") : undefined
  const nowSeconds = Math.floor(now() / 1000)
  const digestOf = requestDigests(rawBody)

  return candidates.map((candidate): WebhookSignatureCheck => {
    const secrets = usableSecrets(candidate.secrets)
    if (secrets.length === 0) return reject("no_secret_configured", "no webhook secret is configured")
    if (header === undefined) return reject("missing_signature", "the X-Stablecoin-Signature header is missing")
    if (values === undefined) {
      return reject("too_many_signatures", `the signature header carries more than ${MAX_SIGNATURE_VALUES} values`)
    }
    if (values.length === 0) return reject("bad_signature", "the signature header has no v1= or sha256= value")

    if (v1Values.length > 0) {
      if (!timestampHeader) return reject("missing_timestamp", "the X-Stablecoin-Timestamp header is missing")
      if (!/^\d{1,12}$/.test(timestampHeader)) return reject("invalid_timestamp", "the timestamp header is not unix seconds")
      const timestamp = Number(timestampHeader)
      const tolerance = candidate.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS
      if (nowSeconds - timestamp > tolerance) return reject("stale_timestamp", `the timestamp is more than ${tolerance} s old`)
      if (timestamp - nowSeconds > tolerance) return reject("future_timestamp", `the timestamp is more than ${tolerance} s in the future`)
      // v1 values present: only they count (a legacy value beside them is ignored), one prefix for all.
      if (!anyValueMatches(secrets.map((secret) => digestOf(secret, `${timestampHeader}.`)), v1Values)) {
        return reject("bad_signature", "the v1 signature does not match any configured secret")
      }
      return { ok: true, timestamp, scheme: "v1" }
    }
    if (!candidate.allowLegacy) {
      return reject("legacy_signature_not_allowed", "legacy sha256= signatures are disabled (allowLegacySignatures)")
    }
    // No v1 value in the header: every digest of this request is a legacy one.
    if (!anyValueMatches(secrets.map((secret) => digestOf(secret)), values)) {
      return reject("bad_signature", "the legacy signature does not match any configured secret")
    }
    return { ok: true, timestamp: null, scheme: "legacy" }
  })
}

/**
 * Authenticity only: the signature (any configured secret) and the timestamp window, over the exact
 * bytes received. Nothing in the body is read. `verifyWebhook` runs this first, then parses the event.
 */
export function verifyWebhookSignature(input: VerifyWebhookInput): WebhookSignatureCheck {
  return checkSignatures(input.rawBody, new HeaderReader(input.headers ?? {}), [input], input.now ?? Date.now)[0]
}

type ParsedEvent = { ok: true; event: WebhookEvent } | { ok: false; reason: WebhookRejectionReason; detail: string }

function parseEvent(rawBody: Buffer | string, headers: HeaderReader): ParsedEvent {
  let json: unknown
  try {
    json = JSON.parse(toBuffer(rawBody).toString("utf8"))
  } catch {
    return reject("malformed_body", "the body is not JSON")
  }
  const parsed = webhookEventSchema.safeParse(json)
  if (!parsed.success) {
    const paths = parsed.error.issues.map((issue) => issue.path.join(".") || "(root)").join(", ")
    return reject("malformed_body", `the body is not a Meum event envelope (${paths})`)
  }
  const headerEventId = headers.read("event-id")
  if (headerEventId !== undefined && headerEventId !== parsed.data.id) {
    // The header is outside the signature: a mismatch means someone edited it.
    return reject("malformed_body", "the event id header does not match the body id")
  }
  return { ok: true, event: parsed.data }
}

export interface VerifyForEachInput {
  rawBody: Buffer | string
  headers: Record<string, unknown>
  candidates: readonly WebhookCheckOptions[]
  now?: () => number
}

/**
 * The whole check (signature, timestamp window, envelope, integration id) of one request against
 * several registrations at once — one verdict per candidate, in order — with one digest per
 * distinct secret and one parse of the body for the whole request (`/hooks/meum` with several
 * Meum accounts).
 */
export function verifyWebhookForEach(input: VerifyForEachInput): VerifyWebhookResult[] {
  const headers = new HeaderReader(input.headers ?? {})
  const signatures = checkSignatures(input.rawBody, headers, input.candidates, input.now ?? Date.now)
  let parsed: ParsedEvent | undefined
  return signatures.map((signature, i): VerifyWebhookResult => {
    if (!signature.ok) return signature
    parsed ??= parseEvent(input.rawBody, headers)
    if (!parsed.ok) return parsed
    const event = parsed.event
    const headerIntegrationId = headers.read("integration-id")
    const integrationId = input.candidates[i].integrationId
    if (integrationId && headerIntegrationId !== undefined && headerIntegrationId !== integrationId) {
      return reject("integration_id_mismatch", "the integration id header does not match the configured integrationId")
    }
    return {
      ok: true,
      event,
      eventId: event.id,
      eventType: event.type,
      timestamp: signature.timestamp,
      scheme: signature.scheme,
      ...(headerIntegrationId ? { integrationId: headerIntegrationId } : {}),
    }
  })
}

/** Signature and timestamp first; only then is the body parsed as an event. */
export function verifyWebhook(input: VerifyWebhookInput): VerifyWebhookResult {
  return verifyWebhookForEach({ rawBody: input.rawBody, headers: input.headers, now: input.now, candidates: [input] })[0]
}

/** Produces the header set Meum sends; used by the sandbox and by merchants' own tests. */
export function signWebhook(input: SignWebhookInput): Record<string, string> {
  const prefix = input.headerPrefix ?? "X-Stablecoin"
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    [`${prefix}-Event`]: input.eventType,
    [`${prefix}-Event-Id`]: input.eventId,
    [`${prefix}-Timestamp`]: String(input.timestamp),
    [`${prefix}-Signature`]: input.legacy
      ? computeLegacySignature(input.secret, input.rawBody)
      : computeV1Signature(input.secret, input.timestamp, input.rawBody),
  }
  if (input.integrationId) {
    headers[`${prefix}-Integration-Id`] = input.integrationId
  }
  return headers
}

// ─── The verified delivery and its invoice ───
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
