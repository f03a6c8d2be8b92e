/** Meum's documented limit: 30 POST /v1/invoices per 60 s per client IP (sliding window). */
export interface RateLimit {
  max: number
  windowMs: number
}

export class SlidingWindowRateLimiter {
  private readonly hits = new Map<string, number[]>()

  constructor(private readonly limit: RateLimit, private readonly now: () => number) {}

  /** Records a hit; returns undefined when allowed, else the ms until a slot frees up. */
  take(client: string): number | undefined {
    const now = this.now()
    const recent = (this.hits.get(client) ?? []).filter((at) => now - at < this.limit.windowMs)
    if (recent.length >= this.limit.max) {
      this.hits.set(client, recent)
      return this.limit.windowMs - (now - recent[0])
    }
    recent.push(now)
    this.hits.set(client, recent)
    return undefined
  }

  reset(): void {
    this.hits.clear()
  }
}
