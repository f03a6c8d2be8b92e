/**
 * The webhook delivery records of the ledger. Meum's event id is unique in the table: the dedupe
 * every process of the store shares (a delivery answered on one server is a duplicate on the
 * other). A delivery whose signature did not verify is recorded under a random id, never under
 * the event id it claims — otherwise a forger could pre-claim a real event and make us skip it.
 */
import { randomUUID } from "node:crypto"
import type { MedusaContainer } from "@medusajs/framework/types"
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

export async function recordRejectedDelivery(
  container: MedusaContainer,
  fields: { verdict: string; httpStatus: number; eventType?: string; providerId?: string }
): Promise<void> {
  await ledgerOf(container).createMeumWebhookEvents({
    event_id: `unverified:${randomUUID()}`,
    event_type: fields.eventType ?? null,
    provider_id: fields.providerId ?? null,
    verdict: fields.verdict,
    outcome: "rejected",
    http_status: fields.httpStatus,
  })
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
