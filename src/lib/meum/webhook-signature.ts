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

/** Every secret is tried (no early exit), so timing does not reveal which one matched. */
function anySecretMatches(secrets: readonly string[], expectedFor: (secret: string) => Buffer, candidate: string): boolean {
  let matched = false
  for (let i = 0; i < secrets.length; i++) {
    if (digestsEqual(expectedFor(secrets[i]), candidate)) matched = true
  }
  return matched
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
 * The signature header may carry several comma-separated values (e.g. during a rotation at
 * Meum's side): any one matching is enough.
 */
function signatureValues(header: string): SignatureValue[] {
  if (!header.includes(",")) {
    const single = parseSignatureValue(header)
    return single ? [single] : []
  }
  return header
    .split(",")
    .map((part) => parseSignatureValue(part.trim()))
    .filter((value): value is SignatureValue => value !== undefined)
}

export type WebhookSignatureCheck =
  | { ok: true; timestamp: number | null; scheme: "v1" | "legacy" }
  | { ok: false; reason: WebhookRejectionReason; detail: string }

/**
 * Authenticity only: the signature (any configured secret) and the timestamp window, over the exact
 * bytes received. Nothing in the body is read. `verifyWebhook` runs this first, then parses the event.
 */
export function verifyWebhookSignature(input: VerifyWebhookInput): WebhookSignatureCheck {
  const secrets = input.secrets.every((secret) => typeof secret === "string" && secret.length > 0)
    ? input.secrets
    : input.secrets.filter((secret) => typeof secret === "string" && secret.length > 0)
  if (secrets.length === 0) {
    return reject("no_secret_configured", "no webhook secret is configured")
  }
  const headers = new HeaderReader(input.headers ?? {})
  const signatureHeader = headers.read("signature")
  if (!signatureHeader) {
    return reject("missing_signature", "the X-Stablecoin-Signature header is missing")
  }
  const values = signatureValues(signatureHeader)
  if (values.length === 0) {
    return reject("bad_signature", "the signature header has no v1= or sha256= value")
  }
  const v1Values = values.length === 1 && values[0].scheme === "v1" ? values : values.filter((value) => value.scheme === "v1")

  if (v1Values.length > 0) {
    const timestampHeader = headers.read("timestamp")
    if (!timestampHeader) {
      return reject("missing_timestamp", "the X-Stablecoin-Timestamp header is missing")
    }
    if (!/^\d{1,12}$/.test(timestampHeader)) {
      return reject("invalid_timestamp", "the timestamp header is not unix seconds")
    }
    const timestamp = Number(timestampHeader)
    const tolerance = input.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS
    const nowSeconds = Math.floor((input.now ?? Date.now)() / 1000)
    if (nowSeconds - timestamp > tolerance) {
      return reject("stale_timestamp", `the timestamp is more than ${tolerance} s old`)
    }
    if (timestamp - nowSeconds > tolerance) {
      return reject("future_timestamp", `the timestamp is more than ${tolerance} s in the future`)
    }
    const signedPrefix = `${timestampHeader}.`
    const matched = v1Values.some((value) =>
      anySecretMatches(secrets, (secret) => hmacDigest(secret, input.rawBody, signedPrefix), value.hex)
    )
    if (!matched) {
      return reject("bad_signature", "the v1 signature does not match any configured secret")
    }
    return { ok: true, timestamp, scheme: "v1" }
  }
  if (!input.allowLegacy) {
    return reject("legacy_signature_not_allowed", "legacy sha256= signatures are disabled (allowLegacySignatures)")
  }
  const matched = values.some((value) => anySecretMatches(secrets, (secret) => hmacDigest(secret, input.rawBody), value.hex))
  if (!matched) {
    return reject("bad_signature", "the legacy signature does not match any configured secret")
  }
  return { ok: true, timestamp: null, scheme: "legacy" }
}

/** Signature and timestamp first (verifyWebhookSignature); only then is the body parsed as an event. */
export function verifyWebhook(input: VerifyWebhookInput): VerifyWebhookResult {
  const signature = verifyWebhookSignature(input)
  if (!signature.ok) return signature

  let json: unknown
  try {
    json = JSON.parse(toBuffer(input.rawBody).toString("utf8"))
  } catch {
    return reject("malformed_body", "the body is not JSON")
  }
  const parsed = webhookEventSchema.safeParse(json)
  if (!parsed.success) {
    const paths = parsed.error.issues.map((issue) => issue.path.join(".") || "(root)").join(", ")
    return reject("malformed_body", `the body is not a Meum event envelope (${paths})`)
  }
  const event = parsed.data
  const headers = new HeaderReader(input.headers ?? {})
  const headerEventId = headers.read("event-id")
  if (headerEventId !== undefined && headerEventId !== event.id) {
    // The header is outside the signature: a mismatch means someone edited it.
    return reject("malformed_body", "the event id header does not match the body id")
  }

  const headerIntegrationId = headers.read("integration-id")
  if (input.integrationId && headerIntegrationId !== undefined && headerIntegrationId !== input.integrationId) {
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
