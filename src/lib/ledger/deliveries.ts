/**
 * The webhook delivery records of the ledger. Meum's event id is unique in the table: the dedupe
 * every process of the store shares (a delivery answered on one server is a duplicate on the
 * other). Only verified deliveries get a row, under their event id: a rejected one (bad signature,
 * malformed, …) is counted per reason and minute (meum_counter), never stored one row each, so
 * forged traffic leaves bounded traces and cannot pre-claim a real event id.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { bumpCounter, listCounters } from "./counters"
import { isUniqueViolation, ledgerOf } from "./ledger"

/** Outcomes after which a repeat of the event needs no work (its state is already committed). */
const SETTLED_OUTCOMES = new Set(["captured", "updated", "ignored", "order_canceled", "unknown_status", "mismatch", "skipped"])

export interface DeliveryRecord {
  id: string
  /** The event was already processed to a settled outcome: answer it as a duplicate. */
  duplicate: boolean
}

interface DeliveryRow {
  id: string
  outcome: string | null
  deliveries: number
}

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

/** +1 to the reason's (and provider's) count of the minute; the counter keeps the last few samples. */
export async function countRejectedDelivery(container: MedusaContainer, rejected: RejectedDelivery): Promise<number> {
  const now = rejected.now ?? Date.now()
  return bumpCounter(container, {
    key: `${REJECTED_PREFIX}${rejected.reason}:${rejected.providerId ?? "-"}`,
    windowMs: REJECTED_WINDOW_MS,
    now,
    sample: {
      at: new Date(now).toISOString(),
      reason: rejected.reason,
      http_status: rejected.httpStatus,
      provider_id: rejected.providerId ?? null,
      body_bytes: rejected.bodyBytes,
      header_lengths: rejected.headerLengths,
    },
  })
}

export interface RejectedCounts {
  since: string
  /** Per minute, reason and provider id, newest first. */
  minutes: Array<{ window_start: string; reason: string; provider_id: string | null; count: number }>
  /** The latest samples of any reason, newest first. */
  samples: Array<Record<string, unknown>>
}

/** What the admin shows of rejected deliveries since `since` (the last hour by default). */
export async function rejectedDeliveryCounts(container: MedusaContainer, { since = new Date(Date.now() - 3_600_000), samples = 20 } = {}): Promise<RejectedCounts> {
  const rows = await listCounters(container, { prefix: REJECTED_PREFIX, since, limit: 1000 })
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

/** Claims a verified event (or finds it already recorded). */
export async function claimDelivery(
  container: MedusaContainer,
  fields: { eventId: string; eventType: string; invoiceId?: string; providerId?: string }
): Promise<DeliveryRecord> {
  const ledger = ledgerOf(container)
  try {
    const created = (await ledger.createMeumWebhookEvents({
      event_id: fields.eventId,
      event_type: fields.eventType,
      invoice_id: fields.invoiceId ?? null,
      provider_id: fields.providerId ?? null,
      verdict: "ok",
      outcome: "processing",
    })) as unknown as DeliveryRow
    return { id: created.id, duplicate: false }
  } catch (error) {
    if (!isUniqueViolation(error)) throw error
  }
  const [existing] = (await ledger.listMeumWebhookEvents({ event_id: fields.eventId })) as unknown as DeliveryRow[]
  if (!existing) throw new Error(`Meum webhook event ${fields.eventId} vanished while being recorded`)
  await ledger.updateMeumWebhookEvents({ id: existing.id, deliveries: existing.deliveries + 1 })
  return { id: existing.id, duplicate: existing.outcome !== null && SETTLED_OUTCOMES.has(existing.outcome) }
}

export async function finishDelivery(container: MedusaContainer, id: string, outcome: string, httpStatus: number): Promise<void> {
  await ledgerOf(container).updateMeumWebhookEvents({ id, outcome, http_status: httpStatus })
}

/** Deletes delivery records older than the retention (default 30 days); returns how many. */
export async function pruneDeliveries(container: MedusaContainer, olderThanMs = 30 * 86_400_000, now = Date.now()): Promise<number> {
  const ledger = ledgerOf(container)
  const old = (await ledger.listMeumWebhookEvents({ created_at: { $lt: new Date(now - olderThanMs) } } as any, { select: ["id"], take: 1000 })) as Array<{ id: string }>
  if (old.length) await ledger.deleteMeumWebhookEvents(old.map((row) => row.id))
  return old.length
}
