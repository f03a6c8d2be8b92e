/**
 * Bounded, per-session-coalescing queue for webhook work.
 *
 * Why: a burst of paid webhooks (a drop, a sale, Meum re-sending a backlog) would otherwise start
 * one cart completion per request at once. On a small server that exhausts the database pool and
 * Medusa's cart-lock timeouts, answers pass Meum's delivery timeout, Meum retries while the first
 * attempt still holds the cart lock, and the retries fail on that lock — load feeding on itself
 * (measured: 100 concurrent deliveries, every first attempt timed out). So:
 *  - at most `concurrency` tasks run at once; the rest wait in arrival order;
 *  - tasks of one key (a cart) never overlap;
 *  - a task that has not started yet absorbs later requests for the same key *and the same work*
 *    (`coalesceKey`, the invoice: it will read that invoice fresh when it starts). Work about
 *    another invoice of the same cart is never absorbed: it queues behind (a paid delivery of an
 *    older session's invoice must not be answered by a task that only looks at the new one).
 * Pure: no Medusa import.
 */
interface Entry<T> {
  key: string
  coalesceKey: string
  task: () => Promise<T>
  promise: Promise<T>
  resolve: (value: T) => void
  reject: (error: unknown) => void
}

const waitingKey = (key: string, coalesceKey: string) => `${key}\0${coalesceKey}`

export class SessionWorkQueue<T> {
  private readonly waiting: Entry<T>[] = []
  private readonly waitingByKey = new Map<string, Entry<T>>()
  private readonly runningKeys = new Set<string>()
  private running = 0
  private idleWaiters: Array<() => void> = []

  constructor(private readonly concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError("concurrency must be a positive integer")
  }

  /** Runs `task` for `key` (or joins the not-yet-started task already queued for the same key and work). */
  run(key: string, task: () => Promise<T>, coalesceKey: string = key): Promise<T> {
    const queued = this.waitingByKey.get(waitingKey(key, coalesceKey))
    if (queued) return queued.promise
    let resolve!: (value: T) => void
    let reject!: (error: unknown) => void
    const promise = new Promise<T>((res, rej) => {
      resolve = res
      reject = rej
    })
    const entry: Entry<T> = { key, coalesceKey, task, promise, resolve, reject }
    this.waiting.push(entry)
    this.waitingByKey.set(waitingKey(key, coalesceKey), entry)
    this.pump()
    return promise
  }

  stats(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length }
  }

  /** Resolves once nothing runs or waits (e.g. before a shutdown, or in a test after a 202). */
  idle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  private pump(): void {
    while (this.running < this.concurrency) {
      // The first waiting entry whose session is not already running (tasks of one session never overlap).
      const index = this.waiting.findIndex((entry) => !this.runningKeys.has(entry.key))
      if (index === -1) return
      const [entry] = this.waiting.splice(index, 1)
      this.waitingByKey.delete(waitingKey(entry.key, entry.coalesceKey))
      this.runningKeys.add(entry.key)
      this.running++
      Promise.resolve()
        .then(entry.task)
        .then(entry.resolve, entry.reject)
        .finally(() => {
          this.running--
          this.runningKeys.delete(entry.key)
          this.pump()
          if (this.running === 0 && this.waiting.length === 0) {
            const waiters = this.idleWaiters
            this.idleWaiters = []
            waiters.forEach((resolve) => resolve())
          }
        })
    }
  }
}

/**
 * The process-wide queue the /hooks/meum route hands its work to (see SessionWorkQueue above for why).
 * One per process, on a global symbol like the provider registry, so source and build copies of
 * this module share it; re-created only if the configured concurrency changes.
 */
const QUEUE_KEY = Symbol.for("medusa-payment-meum.webhook-work-queue")

type Holder = Record<symbol, { concurrency: number; queue: SessionWorkQueue<unknown> } | undefined>

export function webhookWorkQueue<T>(concurrency: number): SessionWorkQueue<T> {
  const holder = globalThis as unknown as Holder
  const existing = holder[QUEUE_KEY]
  if (existing && existing.concurrency === concurrency) return existing.queue as SessionWorkQueue<T>
  const queue = new SessionWorkQueue<unknown>(concurrency)
  holder[QUEUE_KEY] = { concurrency, queue }
  return queue as SessionWorkQueue<T>
}

export const STILL_RUNNING = Symbol("still running")

/** The promise's value if it settles within `ms`, else STILL_RUNNING (the promise keeps going). */
export async function settleWithin<T>(promise: Promise<T>, ms: number): Promise<T | typeof STILL_RUNNING> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<typeof STILL_RUNNING>((resolve) => {
    timer = setTimeout(() => resolve(STILL_RUNNING), ms)
  })
  try {
    return await Promise.race([promise, deadline])
  } finally {
    clearTimeout(timer)
  }
}
