/**
 * The process-wide queue the /hooks/meum route hands its work to (see SessionWorkQueue for why).
 * One per process, on a global symbol like the provider registry, so source and build copies of
 * this module share it; re-created only if the configured concurrency changes.
 */
import { SessionWorkQueue } from "./session-work-queue"

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
