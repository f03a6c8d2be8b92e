/**
 * Fault injection for the sandbox: API errors, latency and hangs on /v1, and webhook drops,
 * duplicates, reordering, delay and hold (queue every delivery until the hold is lifted, then send
 * them all at once: a burst of concurrent webhooks). Rate-based switches draw from a seeded PRNG so a test run
 * is repeatable; 0 and 1 are exact (never / always).
 */
import { z } from "zod"

export const faultsSchema = z.strictObject({
  api_error_rate: z.number().min(0).max(1),
  api_latency_ms: z.number().int().min(0).max(600_000),
  api_hang_rate: z.number().min(0).max(1),
  webhook_drop_rate: z.number().min(0).max(1),
  webhook_duplicates: z.number().int().min(1).max(100),
  webhook_reorder: z.boolean(),
  webhook_delay_ms: z.number().int().min(0).max(600_000),
  webhook_hold: z.boolean(),
  /** Cancels of these invoices answer 503 (Meum refusing to cancel one invoice while the rest works). */
  cancel_refused_invoice_ids: z.array(z.string().min(1).max(200)).max(100),
  /** GET /v1/invoices and /v1/invoices/{id} answer without the invoice's metadata (Meum dropping it). */
  strip_metadata: z.boolean(),
})
export type Faults = z.infer<typeof faultsSchema>
export const faultsPatchSchema = faultsSchema.partial()

export const NO_FAULTS: Faults = {
  api_error_rate: 0,
  api_latency_ms: 0,
  api_hang_rate: 0,
  webhook_drop_rate: 0,
  webhook_duplicates: 1,
  webhook_reorder: false,
  webhook_delay_ms: 0,
  webhook_hold: false,
  cancel_refused_invoice_ids: [],
  strip_metadata: false,
}

/** mulberry32: tiny, seedable, good enough to decide "does this request fail". */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export class FaultSwitches {
  private current: Faults = { ...NO_FAULTS }
  private random: () => number
  private readonly listeners = new Set<(faults: Faults) => void>()

  constructor(private readonly seed = 42) {
    this.random = seededRandom(seed)
  }

  get(): Faults {
    return { ...this.current }
  }

  set(patch: Partial<Faults>): Faults {
    this.current = { ...this.current, ...faultsPatchSchema.parse(patch) }
    this.notify()
    return this.get()
  }

  reset(): Faults {
    this.current = { ...NO_FAULTS }
    this.random = seededRandom(this.seed)
    this.notify()
    return this.get()
  }

  /** Called after every change (the webhook sender releases held deliveries when the hold lifts). */
  onChange(listener: (faults: Faults) => void): void {
    this.listeners.add(listener)
  }

  private notify(): void {
    const snapshot = this.get()
    this.listeners.forEach((listener) => listener(snapshot))
  }

  chance(rate: number): boolean {
    if (rate <= 0) return false
    if (rate >= 1) return true
    return this.random() < rate
  }
}
