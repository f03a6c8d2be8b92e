/**
 * Bounded, per-session-coalescing queue for webhook work.
 *
 * Why: a burst of paid webhooks (a drop, a sale, Meum re-sending a backlog) would otherwise start
 * one cart completion per request at once. On a small server that exhausts the database pool and
 * Medusa's cart-lock timeouts, answers pass Meum's delivery timeout, Meum retries while the first
 * attempt still holds the cart lock, and the retries fail on that lock — load feeding on itself
 * (measured: 100 concurrent deliveries, every first attempt timed out). So:
 *  - at most `concurrency` tasks run at once; the rest wait in arrival order;
 *  - per session, a task that has not started yet absorbs later requests for the same session
 *    (it will read the invoice fresh when it starts), and at most one more waits behind a running one
 *    (a later event may carry a newer state). Duplicates never queue twice.
 * Pure: no Medusa import.
 */
interface Entry<T> {
  key: string
  task: () => Promise<T>
  promise: Promise<T>
  resolve: (value: T) => void
  reject: (error: unknown) => void
}

export class SessionWorkQueue<T> {
  private readonly waiting: Entry<T>[] = []
  private readonly waitingByKey = new Map<string, Entry<T>>()
  private readonly runningKeys = new Set<string>()
  private running = 0
  private idleWaiters: Array<() => void> = []

  constructor(private readonly concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError("concurrency must be a positive integer")
  }

  /** Runs `task` for `key` (or joins the not-yet-started task already queued for it). */
  run(key: string, task: () => Promise<T>): Promise<T> {
    const queued = this.waitingByKey.get(key)
    if (queued) return queued.promise
    let resolve!: (value: T) => void
    let reject!: (error: unknown) => void
    const promise = new Promise<T>((res, rej) => {
      resolve = res
      reject = rej
    })
    const entry: Entry<T> = { key, task, promise, resolve, reject }
    this.waiting.push(entry)
    this.waitingByKey.set(key, entry)
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
      this.waitingByKey.delete(entry.key)
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
