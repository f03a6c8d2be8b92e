/** Rejected webhook deliveries (counter rows `webhook_rejected:<reason>:<provider or ->` per minute) summed per reason and registration. */
export interface CounterLike {
  key: string
  window_start: Date | string
  count: number | string
}

export interface RejectedSummary {
  since: string
  total: number
  /** Newest first by last seen. */
  by_reason: Array<{ reason: string; provider_id: string | null; count: number; last_at: string }>
}

export function summarizeRejected(rows: CounterLike[], prefix: string, since: Date): RejectedSummary {
  const groups = new Map<string, RejectedSummary["by_reason"][number]>()
  let total = 0
  for (const row of rows) {
    if (!row.key.startsWith(prefix)) continue
    const [reason = "unknown", provider = "-"] = row.key.slice(prefix.length).split(":")
    const count = Number(row.count) || 0
    const at = new Date(row.window_start).toISOString()
    total += count
    const key = `${reason}:${provider}`
    const group = groups.get(key)
    if (group) {
      group.count += count
      if (at > group.last_at) group.last_at = at
    } else {
      groups.set(key, { reason, provider_id: provider === "-" ? null : provider, count, last_at: at })
    }
  }
  return { since: since.toISOString(), total, by_reason: [...groups.values()].sort((a, b) => b.last_at.localeCompare(a.last_at)) }
}
