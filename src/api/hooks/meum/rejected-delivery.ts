/**
 * What a rejected delivery (bad signature, malformed, …) leaves behind: +1 in the ledger's
 * per-reason-per-minute counter (with a sample of lengths, never values) and, at most, a warning
 * line — forged traffic leaves bounded traces (issue 18.4).
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { MEUM_LEDGER_MODULE } from "../../../modules/meum-ledger"
import type MeumLedgerService from "../../../modules/meum-ledger/service"
import { REJECTED_WINDOW_MS, type RejectedDelivery } from "../../../modules/meum-ledger/rejected-deliveries"

type Logger = { warn(message: string): void }

/**
 * Log rate limit, in process memory ON PURPOSE: it is about log volume, not correctness (the
 * counts are in the ledger, shared by every process). Per reason, the first rejection of a minute
 * is logged; the others of that minute are summed up in one line when a later rejection arrives
 * after the minute. Each process thus logs at most two lines per reason and minute; the map holds
 * one entry per reason (a fixed set of codes).
 */
const logWindows = new Map<string, { windowStart: number; suppressed: number }>()

function flush(logger: Logger, reason: string, window: { windowStart: number; suppressed: number }) {
  if (window.suppressed > 0) {
    logger.warn(
      `Meum webhook: ${window.suppressed} more deliveries rejected (${reason}) in the minute from ${new Date(window.windowStart).toISOString()}, not logged one by one (counts and samples: admin → Meum)`
    )
  }
}

function logRejection(logger: Logger, rejected: RejectedDelivery, now: number) {
  const windowStart = Math.floor(now / REJECTED_WINDOW_MS) * REJECTED_WINDOW_MS
  for (const [reason, window] of logWindows) {
    if (window.windowStart !== windowStart) {
      flush(logger, reason, window)
      logWindows.delete(reason)
    }
  }
  const current = logWindows.get(rejected.reason)
  if (current) {
    current.suppressed++
    return
  }
  logWindows.set(rejected.reason, { windowStart, suppressed: 0 })
  logger.warn(`Meum webhook rejected (${rejected.httpStatus}): ${rejected.reason} (further ones this minute are counted, not logged)`)
}

/** Best effort on the database side: a forged or broken request is answered whatever it says. */
export async function rejectDelivery(container: MedusaContainer, rejected: RejectedDelivery): Promise<void> {
  const now = rejected.now ?? Date.now()
  logRejection(container.resolve(ContainerRegistrationKeys.LOGGER), rejected, now)
  await (container.resolve(MEUM_LEDGER_MODULE) as MeumLedgerService).countRejectedDelivery({ ...rejected, now }).catch(() => undefined)
}

/** The lengths of the webhook headers a request carried (X-Stablecoin-* / X-Meum-*): never their values. */
export function webhookHeaderLengths(headers: Record<string, unknown>): Record<string, number> {
  const lengths: Record<string, number> = {}
  for (const name in headers) {
    const lower = name.toLowerCase()
    if (!lower.startsWith("x-stablecoin-") && !lower.startsWith("x-meum-")) continue
    const value = headers[name]
    const text = Array.isArray(value) ? value.join(",") : typeof value === "string" ? value : ""
    lengths[lower] = text.length
    if (Object.keys(lengths).length >= 10) break
  }
  return lengths
}
