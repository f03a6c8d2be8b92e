/**
 * An invoice status Meum's docs do not list is logged once per invoice and status, not on every
 * webhook retry or job run. The memory is a bounded per-process log filter only: no decision
 * depends on it (another process logs it once too, which is fine).
 */
import type { Invoice } from "./invoice"

export interface WarnLogger {
  warn(message: string): unknown
}

const MAX_REMEMBERED = 1_000
const logged = new Set<string>()

export function logUnknownStatusOnce(logger: WarnLogger, invoice: Invoice, sessionId?: string): boolean {
  const key = `${invoice.id}\0${invoice.reported_status ?? ""}`
  if (logged.has(key)) return false
  if (logged.size >= MAX_REMEMBERED) logged.delete(logged.values().next().value as string)
  logged.add(key)
  logger.warn(
    `Meum invoice ${invoice.id}${sessionId ? ` (payment session ${sessionId})` : ""} reports status ${JSON.stringify(invoice.reported_status)}, which Meum's documentation does not list: nothing was changed; review it in Meum`
  )
  return true
}
