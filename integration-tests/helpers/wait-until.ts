/** Polls a condition the test cannot subscribe to (a row another process writes) until it holds. */
export async function waitUntil<T>(check: () => Promise<T | undefined | false>, { timeoutMs, what, everyMs = 250 }: { timeoutMs: number; what: string; everyMs?: number }): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
}
