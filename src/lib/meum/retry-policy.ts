/** Exponential backoff with full jitter, bounded in attempts and total time. */
export interface RetryOptions {
  /** Total attempts, the first included. */
  maxAttempts?: number
  baseDelayMs?: number
  maxDelayMs?: number
  /** No retry starts once this much time has passed since the first attempt. */
  maxTotalMs?: number
}

export const DEFAULT_RETRY: Required<RetryOptions> = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  maxTotalMs: 15_000,
}

export function resolveRetryOptions(options: RetryOptions | undefined): Required<RetryOptions> {
  return { ...DEFAULT_RETRY, ...Object.fromEntries(Object.entries(options ?? {}).filter(([, v]) => v !== undefined)) }
}

/**
 * Delay before retry number `retry` (1 = the first retry): full jitter over an exponentially
 * growing cap, but never less than what the server asked for with Retry-After.
 */
export function backoffDelayMs(
  retry: number,
  options: Required<RetryOptions>,
  random: () => number,
  retryAfterMs?: number
): number {
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1))
  const jittered = Math.floor(random() * cap)
  return Math.max(jittered, retryAfterMs ?? 0)
}

/** Whether another attempt fits in the attempt count and the time budget. */
export function mayRetry(
  attemptsMade: number,
  elapsedMs: number,
  delayMs: number,
  options: Required<RetryOptions>
): boolean {
  return attemptsMade < options.maxAttempts && elapsedMs + delayMs <= options.maxTotalMs
}
