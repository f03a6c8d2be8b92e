/**
 * Typed Meum API errors. Built from scratch from the safe parts of a failed request, never by
 * wrapping the axios error: axios errors carry the request config, and with it the
 * Authorization header. No message, stack, JSON or inspect output may contain the API key.
 */
import { inspect } from "node:util"
import { errorBodySchema } from "./schemas"

/**
 * - retryable: surely not applied (429, connection refused) or safe to repeat (idempotent call).
 * - ambiguous: the request may have taken effect (timeout or 5xx after a create was sent):
 *   recover by lookup, never by sending it again.
 * - final: repeating it will not help (4xx, a response we cannot parse).
 */
export type MeumErrorKind = "retryable" | "ambiguous" | "final"

export interface MeumApiErrorInit {
  message: string
  kind: MeumErrorKind
  method: string
  path: string
  status?: number
  code?: string
  type?: string
  attempts?: number
  retryAfterMs?: number
}

export class MeumApiError extends Error {
  readonly kind: MeumErrorKind
  readonly method: string
  readonly path: string
  readonly status?: number
  readonly code?: string
  readonly type?: string
  readonly retryAfterMs?: number
  attempts: number

  constructor(init: MeumApiErrorInit) {
    super(init.message)
    this.name = "MeumApiError"
    this.kind = init.kind
    this.method = init.method
    this.path = init.path
    this.status = init.status
    this.code = init.code
    this.type = init.type
    this.attempts = init.attempts ?? 1
    this.retryAfterMs = init.retryAfterMs
  }

  get isNotFound(): boolean {
    return this.status === 404
  }
  get isRateLimited(): boolean {
    return this.status === 429
  }
  get isAuthenticationError(): boolean {
    return this.status === 401 || this.status === 403
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      kind: this.kind,
      method: this.method,
      path: this.path,
      status: this.status,
      code: this.code,
      type: this.type,
      attempts: this.attempts,
    }
  }

  [inspect.custom](): string {
    return `MeumApiError ${JSON.stringify(this.toJSON())}`
  }
}

/** Removes every occurrence of the secret (and a bearer token of any value) from a text. */
export function redact(text: string, secret: string | undefined): string {
  let out = text.replace(/Bearer\s+[A-Za-z0-9_\-.]+/g, "Bearer [redacted]")
  if (secret) out = out.split(secret).join("[redacted]")
  return out
}

/** Meum's two error body shapes: `{error:{type,code,message}}` and the legacy `{error:"…"}`. */
export function readErrorBody(body: unknown): { code?: string; type?: string; message?: string } {
  let candidate = body
  if (typeof body === "string") {
    try {
      candidate = JSON.parse(body)
    } catch {
      return {}
    }
  }
  const parsed = errorBodySchema.safeParse(candidate)
  if (!parsed.success) return {}
  const error = parsed.data.error
  if (typeof error === "string") return { message: error }
  return { code: error.code, type: error.type, message: error.message }
}

export function kindForStatus(status: number, idempotent: boolean): MeumErrorKind {
  if (status === 429) return "retryable"
  if (status >= 500) return idempotent ? "retryable" : "ambiguous"
  return "final"
}

/** Network error codes meaning the request never reached Meum. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"])

export function kindForNetworkError(code: string | undefined, idempotent: boolean): MeumErrorKind {
  if (code && NOT_SENT_CODES.has(code)) return "retryable"
  return idempotent ? "retryable" : "ambiguous"
}

export function isRequestSurelyNotSent(code: string | undefined): boolean {
  return Boolean(code && NOT_SENT_CODES.has(code))
}

/** Retry-After in seconds or as an HTTP date → milliseconds (undefined when absent/invalid). */
export function parseRetryAfter(header: unknown, now: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header
  if (typeof value !== "string" && typeof value !== "number") return undefined
  const text = String(value).trim()
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000)
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
