/**
 * The ledger's counters (meum_counter) count per key in fixed time windows, so every process of the
 * store sees the same numbers. A fixed window (not a sliding one) is enough for the budgets it
 * serves: at a window's edge a key may briefly get up to twice its limit, never more.
 */

export interface CounterRow {
  key: string
  window_start: Date
  count: number
  samples: Record<string, unknown>[]
}

/** The start of the fixed window of `windowMs` that contains `now`. */
export const windowStartOf = (now: number, windowMs: number): Date => new Date(Math.floor(now / windowMs) * windowMs)

/** A LIKE pattern matching the keys that start with `prefix` (its own `%`, `_` and `\` taken literally). */
export const keyPrefixPattern = (prefix: string): string => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
