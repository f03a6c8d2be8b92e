/**
 * What the sandbox's API was asked, in order: method, path, query and the Host the client used.
 * Recorded as a request arrives (before latency or fault injection), so a test can tell which
 * process of a cluster called Meum (each reaches the sandbox under its own host name) and how
 * many calls a job run spent. Bounded; cleared by the sandbox's reset().
 */
export interface ApiRequest {
  method: string
  path: string
  query: Record<string, unknown>
  host: string
  at: number
}

type Waiter = { predicate: (request: ApiRequest) => boolean; resolve: (request: ApiRequest) => void }

export class ApiRequestLog {
  private entries: ApiRequest[] = []
  private waiters = new Set<Waiter>()

  constructor(private readonly limit = 100_000) {}

  record(request: ApiRequest): void {
    this.entries.push(request)
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit)
    for (const waiter of this.waiters) {
      if (!waiter.predicate(request)) continue
      this.waiters.delete(waiter)
      waiter.resolve(request)
    }
  }

  list(): ApiRequest[] {
    return [...this.entries]
  }

  clear(): void {
    this.entries = []
  }

  /** The next request (from now on) matching the predicate. */
  waitFor(predicate: (request: ApiRequest) => boolean, { timeoutMs = 10_000 }: { timeoutMs?: number } = {}): Promise<ApiRequest> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve: (request) => {
          clearTimeout(timer)
          resolve(request)
        },
      }
      const timer = setTimeout(() => {
        this.waiters.delete(waiter)
        reject(new Error(`expected sandbox API request not seen within ${timeoutMs} ms`))
      }, timeoutMs)
      this.waiters.add(waiter)
    })
  }
}
