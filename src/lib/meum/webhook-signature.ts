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
 */
import { createHmac, timingSafeEqual } from "node:crypto"
import { webhookEventSchema, type WebhookEvent } from "./schemas"

export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300

export type WebhookRejectionReason =
  | "missing_signature"
  | "missing_timestamp"
  | "invalid_timestamp"
  | "stale_timestamp"
  | "future_timestamp"
  | "bad_signature"
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

const HEADER_PREFIXES = ["x-stablecoin-", "x-meum-"] as const

type HeaderMap = Map<string, unknown>

/** Header names lower-cased once per verification (Node already lower-cases; other callers may not). */
function lowerCaseHeaders(headers: Record<string, unknown>): HeaderMap {
  const lowerCased: HeaderMap = new Map()
  for (const name in headers ?? {}) {
    lowerCased.set(name.toLowerCase(), headers[name])
  }
  return lowerCased
}

/** Header read with the X-Meum-* fallback; arrays take their first value. */
function readHeader(lowerCased: HeaderMap, suffix: string): string | undefined {
  for (const prefix of HEADER_PREFIXES) {
    const value = lowerCased.get(prefix + suffix)
    const first = Array.isArray(value) ? value[0] : value
    if (typeof first === "string" && first.trim() !== "") {
      return first.trim()
    }
  }
  return undefined
}

const toBuffer = (body: Buffer | string): Buffer => (Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8"))

function hmacDigest(secret: string, ...parts: Buffer[]): Buffer {
  const hmac = createHmac("sha256", secret)
  for (const part of parts) hmac.update(part)
  return hmac.digest()
}

const hmacHex = (secret: string, ...parts: Buffer[]): string => hmacDigest(secret, ...parts).toString("hex")

export function computeV1Signature(secret: string, timestamp: number | string, rawBody: Buffer | string): string {
  return "v1=" + hmacHex(secret, Buffer.from(`${timestamp}.`, "utf8"), toBuffer(rawBody))
}

export function computeLegacySignature(secret: string, rawBody: Buffer | string): string {
  return "sha256=" + hmacHex(secret, toBuffer(rawBody))
}

const HEX = /^[0-9a-f]+$/i

/** Constant-time comparison of a digest with a hex candidate; a malformed candidate never throws. */
function digestsEqual(expected: Buffer, candidateHex: string): boolean {
  const candidate = HEX.test(candidateHex) ? Buffer.from(candidateHex, "hex") : Buffer.alloc(0)
  // timingSafeEqual needs equal lengths; compare against a same-length dummy so the work done
  // does not depend on where (or whether) the candidate is malformed.
  const comparable = candidate.length === expected.length ? candidate : Buffer.alloc(expected.length)
  return timingSafeEqual(expected, comparable) && candidate.length === expected.length
}

/** Every secret is tried (no early exit), so timing does not reveal which one matched. */
function anySecretMatches(secrets: readonly string[], expectedFor: (secret: string) => Buffer, candidate: string): boolean {
  let matched = false
  for (const secret of secrets) {
    if (digestsEqual(expectedFor(secret), candidate)) matched = true
  }
  return matched
}

const reject = (reason: WebhookRejectionReason, detail: string): VerifyWebhookResult => ({ ok: false, reason, detail })

/**
 * The signature header may carry several comma-separated values (e.g. during a rotation at
 * Meum's side): any one matching is enough.
 */
function signatureValues(header: string): Array<{ scheme: "v1" | "legacy"; hex: string }> {
  return header
    .split(",")
    .map((part) => part.trim())
    .flatMap((part): Array<{ scheme: "v1" | "legacy"; hex: string }> => {
      if (part.startsWith("v1=")) return [{ scheme: "v1", hex: part.slice(3) }]
      if (part.startsWith("sha256=")) return [{ scheme: "legacy", hex: part.slice(7) }]
      return []
    })
}

export function verifyWebhook(input: VerifyWebhookInput): VerifyWebhookResult {
  const secrets = input.secrets.filter((secret) => typeof secret === "string" && secret.length > 0)
  if (secrets.length === 0) {
    return reject("no_secret_configured", "no webhook secret is configured")
  }
  const headers = lowerCaseHeaders(input.headers)
  const signatureHeader = readHeader(headers, "signature")
  if (!signatureHeader) {
    return reject("missing_signature", "the X-Stablecoin-Signature header is missing")
  }
  const values = signatureValues(signatureHeader)
  if (values.length === 0) {
    return reject("bad_signature", "the signature header has no v1= or sha256= value")
  }
  const rawBody = toBuffer(input.rawBody)
  const v1Values = values.filter((value) => value.scheme === "v1")

  let scheme: "v1" | "legacy"
  let timestamp: number | null = null
  if (v1Values.length > 0) {
    const timestampHeader = readHeader(headers, "timestamp")
    if (!timestampHeader) {
      return reject("missing_timestamp", "the X-Stablecoin-Timestamp header is missing")
    }
    if (!/^\d{1,12}$/.test(timestampHeader)) {
      return reject("invalid_timestamp", "the timestamp header is not unix seconds")
    }
    timestamp = Number(timestampHeader)
    const tolerance = input.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS
    const nowSeconds = Math.floor((input.now ?? Date.now)() / 1000)
    if (nowSeconds - timestamp > tolerance) {
      return reject("stale_timestamp", `the timestamp is more than ${tolerance} s old`)
    }
    if (timestamp - nowSeconds > tolerance) {
      return reject("future_timestamp", `the timestamp is more than ${tolerance} s in the future`)
    }
    const signedPrefix = Buffer.from(`${timestampHeader}.`, "utf8")
    const matched = v1Values.some((value) =>
      anySecretMatches(secrets, (secret) => hmacDigest(secret, signedPrefix, rawBody), value.hex)
    )
    if (!matched) {
      return reject("bad_signature", "the v1 signature does not match any configured secret")
    }
    scheme = "v1"
  } else {
    if (!input.allowLegacy) {
      return reject("legacy_signature_not_allowed", "legacy sha256= signatures are disabled (allowLegacySignatures)")
    }
    const matched = values.some((value) =>
      anySecretMatches(secrets, (secret) => hmacDigest(secret, rawBody), value.hex)
    )
    if (!matched) {
      return reject("bad_signature", "the legacy signature does not match any configured secret")
    }
    scheme = "legacy"
  }

  let json: unknown
  try {
    json = JSON.parse(rawBody.toString("utf8"))
  } catch {
    return reject("malformed_body", "the body is not JSON")
  }
  const parsed = webhookEventSchema.safeParse(json)
  if (!parsed.success) {
    const paths = parsed.error.issues.map((issue) => issue.path.join(".") || "(root)").join(", ")
    return reject("malformed_body", `the body is not a Meum event envelope (${paths})`)
  }
  const event = parsed.data
  const headerEventId = readHeader(headers, "event-id")
  if (headerEventId !== undefined && headerEventId !== event.id) {
    // The header is outside the signature: a mismatch means someone edited it.
    return reject("malformed_body", "the event id header does not match the body id")
  }

  const headerIntegrationId = readHeader(headers, "integration-id")
  if (input.integrationId && headerIntegrationId !== undefined && headerIntegrationId !== input.integrationId) {
    return reject("integration_id_mismatch", "the integration id header does not match the configured integrationId")
  }

  return {
    ok: true,
    event,
    eventId: event.id,
    eventType: event.type,
    timestamp,
    scheme,
    ...(headerIntegrationId ? { integrationId: headerIntegrationId } : {}),
  }
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
