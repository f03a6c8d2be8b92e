/**
 * Rejected webhook deliveries (bad signature, malformed, …) are counted per reason, registration
 * and minute in the ledger's counters, never stored one row each: forged traffic leaves bounded
 * traces and cannot pre-claim a real event id. Pure: the keys, the sample a counter keeps, and what
 * the admin is shown of the counters.
 */

/** Counter keys: `webhook_rejected:<reason>:<provider id or "-">`, one window a minute. */
export const REJECTED_PREFIX = "webhook_rejected:"
export const REJECTED_WINDOW_MS = 60_000

export interface RejectedDelivery {
  reason: string
  httpStatus: number
  /** The registration it was meant for, when known (the URL named it). */
  providerId?: string
  bodyBytes: number
  /** Lengths of the webhook headers it carried: never their values (nor the body). */
  headerLengths: Record<string, number>
  now?: number
}

export interface RejectedCounts {
  since: string
  /** Per minute, reason and provider id, newest first. */
  minutes: Array<{ window_start: string; reason: string; provider_id: string | null; count: number }>
  /** The latest samples of any reason, newest first. */
  samples: Array<Record<string, unknown>>
}

export const rejectedCounterKey = (rejected: Pick<RejectedDelivery, "reason" | "providerId">): string =>
  `${REJECTED_PREFIX}${rejected.reason}:${rejected.providerId ?? "-"}`

/** What a counter keeps of one rejected delivery: sizes and status, never a header value or the body. */
export const rejectedSample = (rejected: RejectedDelivery, now: number): Record<string, unknown> => ({
  at: new Date(now).toISOString(),
  reason: rejected.reason,
  http_status: rejected.httpStatus,
  provider_id: rejected.providerId ?? null,
  body_bytes: rejected.bodyBytes,
  header_lengths: rejected.headerLengths,
})

/** The counters of rejected deliveries (newest first) as the admin shows them. */
export function summarizeRejectedCounters(
  rows: Array<{ key: string; window_start: Date; count: number; samples: Record<string, unknown>[] }>,
  since: Date,
  samples: number
): RejectedCounts {
  return {
    since: since.toISOString(),
    minutes: rows.map((row) => {
      const [reason = "?", providerId = "-"] = row.key.slice(REJECTED_PREFIX.length).split(":")
      return { window_start: row.window_start.toISOString(), reason, provider_id: providerId === "-" ? null : providerId, count: row.count }
    }),
    samples: rows
      .flatMap((row) => row.samples)
      .sort((a, b) => String(b.at ?? "").localeCompare(String(a.at ?? "")))
      .slice(0, samples),
  }
}
