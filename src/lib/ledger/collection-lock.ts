/**
 * The per-collection lock every ledger writer of one payment collection shares (the reconcile
 * workflow takes the same key as its lock step), and what a sweep learns from an invoice its
 * session no longer holds.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import type { Invoice } from "../meum/schemas"
import { invoicePhase } from "../meum/status-table"
import type { Observation } from "../../modules/meum-ledger/state-machine"

/**
 * A run that skipped an invoice its session no longer holds (the session was deleted or replaced)
 * still tells the ledger where that invoice stands, so the job never picks it up for nothing again.
 */
export function observationOfSkipped(invoice: Invoice): Observation {
  switch (invoicePhase(invoice.status)) {
    case "open":
      return { kind: "abandoned" }
    case "paid":
      return { kind: "paid_without_order" }
    case "unknown":
      return { kind: "unknown_status" }
    case "underpaid":
      return { kind: "underpaid" }
    default:
      return { kind: "dead" }
  }
}

/** Runs `work` under the per-collection lock every ledger writer of that collection shares. */
export async function withCollectionLock<T>(container: MedusaContainer, collectionId: string | null | undefined, fallback: string, work: () => Promise<T>): Promise<T> {
  return container.resolve(Modules.LOCKING).execute(`meum:reconcile:${collectionId ?? fallback}`, work, { timeout: 60 })
}

