/**
 * Counts per key in fixed time windows, kept in the ledger (meum_counter) so every process of the
 * store sees the same numbers. A fixed window (not a sliding one) is enough for the budgets it
 * serves: at a window's edge a key may briefly get up to twice its limit, never more.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ledgerOf } from "./ledger"

export interface CounterRow {
  key: string
  window_start: Date
  count: number
  samples: Record<string, unknown>[]
}

/** The start of the fixed window of `windowMs` that contains `now`. */
export const windowStartOf = (now: number, windowMs: number): Date => new Date(Math.floor(now / windowMs) * windowMs)

/** Adds one to `key` in the window containing now and returns the count after adding. */
export async function bumpCounter(
  container: MedusaContainer,
  input: { key: string; windowMs: number; sample?: Record<string, unknown>; now?: number }
): Promise<number> {
  const windowStart = windowStartOf(input.now ?? Date.now(), input.windowMs)
  return ledgerOf(container).incrementCounter(input.key, windowStart, input.sample)
}

/** The count of `key` in the window containing now, without adding. */
export async function currentCount(container: MedusaContainer, input: { key: string; windowMs: number; now?: number }): Promise<number> {
  const windowStart = windowStartOf(input.now ?? Date.now(), input.windowMs)
  const [row] = (await ledgerOf(container).listMeumCounters({ key: input.key, window_start: windowStart }, { take: 1 })) as unknown as CounterRow[]
  return row ? Number(row.count) : 0
}

/** Rows whose key starts with `prefix` and whose window started at or after `since`, newest first. */
export async function listCounters(container: MedusaContainer, input: { prefix: string; since: Date; limit?: number }): Promise<CounterRow[]> {
  const rows = (await ledgerOf(container).listMeumCounters(
    { key: { $like: `${input.prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%` }, window_start: { $gte: input.since } } as any,
    { order: { window_start: "DESC" }, take: input.limit ?? 500 }
  )) as unknown as Array<CounterRow & { samples: Record<string, unknown>[] | null }>
  return rows.map((row) => ({ key: row.key, window_start: new Date(row.window_start), count: Number(row.count), samples: row.samples ?? [] }))
}

/** Deletes counter rows whose window started before `before`; returns how many. */
export async function pruneCounters(container: MedusaContainer, before: Date): Promise<number> {
  const ledger = ledgerOf(container)
  const old = (await ledger.listMeumCounters({ window_start: { $lt: before } } as any, { select: ["id"], take: 1000 })) as Array<{ id: string }>
  if (old.length) await ledger.deleteMeumCounters(old.map((row) => row.id))
  return old.length
}
