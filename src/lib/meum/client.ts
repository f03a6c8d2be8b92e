/**
 * The Meum invoice API client (meum-api.md §8.2). One axios instance with keep-alive agents per
 * client; every response is parsed with zod; every failure is a MeumApiError that never carries
 * the API key.
 *
 * Retry rules:
 * - GET and cancel: retried on network errors, 429 and 5xx (backoff + jitter, Retry-After honoured).
 * - create: Meum documents no idempotency key, so a create is retried only when it surely did
 *   not take effect (connection refused/DNS). A timeout or 5xx after sending is thrown as
 *   `ambiguous`: the caller recovers by listing invoices by external_order_id. A 429 is never
 *   retried: the create budget is shared by every shopper of the store.
 */
import http from "node:http"
import https from "node:https"
import axios, { type AxiosInstance, type AxiosResponse } from "axios"
import { z } from "zod"
import {
  createInvoiceInputSchema,
  invoicePageSchema,
  invoiceStatusResponseSchema,
  listInvoicesQuerySchema,
  type CreateInvoiceInput,
  type InvoicePage,
  type InvoiceStatusResponse,
  type ListInvoicesQuery,
  createWebhookEndpointInputSchema,
  createdWebhookEndpointSchema,
  listWebhookDeliveriesQuerySchema,
  testWebhookResultSchema,
  webhookDeliveriesPageSchema,
  type CreateWebhookEndpointInput,
  type CreatedWebhookEndpoint,
  type ListWebhookDeliveriesQuery,
  type TestWebhookResult,
  type WebhookDeliveriesPage,
  invoiceTransactionsSchema,
  listTransactionsQuerySchema,
  transactionPageSchema,
  type InvoiceTransactions,
  type ListTransactionsQuery,
  type TransactionPage,
} from "./schemas"
import { invoiceSchema, type Invoice } from "./invoice"
import {
  MeumApiError,
  isRequestSurelyNotSent,
  kindForNetworkError,
  kindForStatus,
  parseRetryAfter,
  readErrorBody,
  redact,
} from "./errors"
import { backoffDelayMs, mayRetry, resolveRetryOptions, type RetryOptions } from "./retry-policy"

export const DEFAULT_MEUM_API_BASE_URL = "https://api.meum.io"
export const DEFAULT_MEUM_TIMEOUT_MS = 10_000
/** Longest a pooled connection stays idle when the server announces no keep-alive timeout. */
export const IDLE_SOCKET_TIMEOUT_MS = 30_000
/** iterateInvoices stops after this many pages (a listing by external_order_id has a handful). */
export const DEFAULT_MAX_LIST_PAGES = 50

const listingStopped = (code: string, why: string): MeumApiError =>
  new MeumApiError({ message: `Stopped listing invoices: ${why}`, kind: "final", code, method: "GET", path: "/v1/invoices" })

export interface MeumClientOptions {
  apiKey: string
  baseUrl?: string
  timeoutMs?: number
  retry?: RetryOptions
  userAgent?: string
  sleep?: (ms: number) => Promise<void>
  random?: () => number
  now?: () => number
}

type RetryRule = "idempotent" | "create"

interface RequestSpec<T> {
  method: "GET" | "POST"
  path: string
  rule: RetryRule
  schema: z.ZodType<T>
  params?: Record<string, unknown>
  body?: unknown
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export class MeumClient {
  private readonly http: AxiosInstance
  private readonly httpAgent: http.Agent
  private readonly httpsAgent: https.Agent
  private readonly apiKey: string
  private readonly retry: Required<RetryOptions>
  private readonly sleep: (ms: number) => Promise<void>
  private readonly random: () => number
  private readonly now: () => number

  constructor(options: MeumClientOptions) {
    if (!options.apiKey) {
      throw new Error("MeumClient: apiKey is required")
    }
    this.apiKey = options.apiKey
    this.retry = resolveRetryOptions(options.retry)
    this.sleep = options.sleep ?? defaultSleep
    this.random = options.random ?? Math.random
    this.now = options.now ?? Date.now
    // Node's agent honours a server's `Keep-Alive: timeout=N` hint (closing an idle socket 1 s
    // before the server does) only when it has a timeout of its own. Without one, an idle socket can
    // be reused just as the server closes it: ECONNRESET, and a create that fails that way is
    // ambiguous (the shopper is told to retry). Requests keep axios's own timeout.
    this.httpAgent = new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_TIMEOUT_MS })
    this.httpsAgent = new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_TIMEOUT_MS })
    this.http = axios.create({
      baseURL: (options.baseUrl ?? DEFAULT_MEUM_API_BASE_URL).replace(/\/+$/, ""),
      timeout: options.timeoutMs ?? DEFAULT_MEUM_TIMEOUT_MS,
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      // Statuses are classified here, not by axios (whose errors would carry the headers).
      validateStatus: () => true,
      maxRedirects: 0,
      headers: {
        Authorization: `Bearer ${options.apiKey}`,
        Accept: "application/json",
        "User-Agent": options.userAgent ?? "medusa-payment-meum",
      },
    })
  }

  async createInvoice(input: CreateInvoiceInput): Promise<Invoice> {
    const parsed = createInvoiceInputSchema.safeParse(input)
    if (!parsed.success) {
      throw new MeumApiError({
        message: `Invalid invoice: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
        kind: "final",
        code: "invalid_input",
        method: "POST",
        path: "/v1/invoices",
        attempts: 0,
      })
    }
    return this.request({ method: "POST", path: "/v1/invoices", rule: "create", schema: invoiceSchema, body: parsed.data })
  }

  async getInvoice(id: string): Promise<Invoice> {
    return this.request({ method: "GET", path: `/v1/invoices/${encodeURIComponent(id)}`, rule: "idempotent", schema: invoiceSchema })
  }

  async getInvoiceStatus(id: string): Promise<InvoiceStatusResponse> {
    return this.request({
      method: "GET",
      path: `/v1/invoices/${encodeURIComponent(id)}/status`,
      rule: "idempotent",
      schema: invoiceStatusResponseSchema,
    })
  }

  async listInvoices(query: ListInvoicesQuery = {}): Promise<InvoicePage> {
    const params = listInvoicesQuerySchema.parse(query)
    return this.request({ method: "GET", path: "/v1/invoices", rule: "idempotent", schema: invoicePageSchema, params })
  }

  /**
   * Walks every page, following `next_cursor` as `starting_after`. A Meum that answers has_more
   * forever or hands back a cursor already followed would loop without end: the walk stops after
   * `maxPages` pages or on a repeated cursor with a `final` MeumApiError (the caller reports it).
   */
  async *iterateInvoices(
    query: Omit<ListInvoicesQuery, "starting_after" | "ending_before"> = {},
    { maxPages = DEFAULT_MAX_LIST_PAGES }: { maxPages?: number } = {}
  ): AsyncGenerator<Invoice> {
    const seen = new Set<string>()
    let cursor: string | undefined
    for (let pages = 1; ; pages++) {
      const page = await this.listInvoices({ ...query, ...(cursor ? { starting_after: cursor } : {}) })
      yield* page.data
      const next = page.next_cursor ?? page.data[page.data.length - 1]?.id
      if (!page.has_more || !next) return
      if (seen.has(next)) throw listingStopped("list_cursor_repeated", `Meum listed cursor ${next} twice`)
      if (pages >= maxPages) throw listingStopped("list_page_limit", `Meum still had more after ${maxPages} pages`)
      seen.add(next)
      cursor = next
    }
  }

  /** Cancelling twice is harmless, so cancel is retried like a GET. */
  async cancelInvoice(id: string): Promise<Invoice> {
    return this.request({
      method: "POST",
      path: `/v1/invoices/${encodeURIComponent(id)}/cancel`,
      rule: "idempotent",
      schema: invoiceSchema,
    })
  }

  /**
   * Creates a webhook endpoint; the answer carries its signing secret, which Meum never shows
   * again. Retried like an invoice create (only when it surely did not reach Meum): a second
   * endpoint would send every event twice.
   */
  async createWebhookEndpoint(input: CreateWebhookEndpointInput): Promise<CreatedWebhookEndpoint> {
    const parsed = createWebhookEndpointInputSchema.safeParse(input)
    if (!parsed.success) {
      throw new MeumApiError({
        message: `Invalid webhook endpoint: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
        kind: "final",
        code: "invalid_input",
        method: "POST",
        path: "/v1/webhook-endpoints",
        attempts: 0,
      })
    }
    return this.request({ method: "POST", path: "/v1/webhook-endpoints", rule: "create", schema: createdWebhookEndpointSchema, body: parsed.data })
  }

  /** Meum's recent delivery attempts to one endpoint, newest first. */
  async listWebhookEndpointDeliveries(endpointId: string, query: ListWebhookDeliveriesQuery = {}): Promise<WebhookDeliveriesPage> {
    const params = listWebhookDeliveriesQuerySchema.parse(query)
    return this.request({
      method: "GET",
      path: `/v1/webhook-endpoints/${encodeURIComponent(endpointId)}/deliveries`,
      rule: "idempotent",
      schema: webhookDeliveriesPageSchema,
      params,
    })
  }

  /** Asks Meum to send the endpoint a `webhook.test` event. Rate limited at Meum: never retried on 429. */
  async sendTestWebhook(endpointId: string): Promise<TestWebhookResult> {
    return this.request({
      method: "POST",
      path: `/v1/webhook-endpoints/${encodeURIComponent(endpointId)}/test`,
      rule: "create",
      schema: testWebhookResultSchema,
    })
  }

  /** The on-chain movements of one invoice (payment_origin, settlement, refund); needs `transactions:read`. */
  async listInvoiceTransactions(invoiceId: string): Promise<InvoiceTransactions> {
    return this.request({
      method: "GET",
      path: `/v1/invoices/${encodeURIComponent(invoiceId)}/transactions`,
      rule: "idempotent",
      schema: invoiceTransactionsSchema,
    })
  }

  /** One page of the store's transactions, newest first (filters: invoice_id, type, status). */
  async listTransactions(query: ListTransactionsQuery = {}): Promise<TransactionPage> {
    const params = listTransactionsQuerySchema.parse(query)
    return this.request({ method: "GET", path: "/v1/transactions", rule: "idempotent", schema: transactionPageSchema, params })
  }

  async health(): Promise<Record<string, unknown>> {
    // The health body is undocumented: any JSON object is a healthy answer.
    return this.request({ method: "GET", path: "/health", rule: "idempotent", schema: z.looseObject({}) })
  }

  close(): void {
    this.httpAgent.destroy()
    this.httpsAgent.destroy()
  }

  private async request<T>(spec: RequestSpec<T>): Promise<T> {
    const startedAt = this.now()
    for (let attempt = 1; ; attempt++) {
      const error = await this.attempt(spec).then(
        (value) => ({ value }),
        (failure: MeumApiError) => ({ failure })
      )
      if ("value" in error) return error.value as T
      const failure = error.failure
      failure.attempts = attempt
      if (!this.isRetryable(failure, spec.rule)) throw failure
      const delay = backoffDelayMs(attempt, this.retry, this.random, failure.retryAfterMs)
      if (!mayRetry(attempt, this.now() - startedAt, delay, this.retry)) throw failure
      await this.sleep(delay)
    }
  }

  private isRetryable(error: MeumApiError, rule: RetryRule): boolean {
    if (error.kind !== "retryable") return false
    if (rule === "idempotent") return true
    // create: only what surely did not reach Meum's database — and never a 429: Meum's create
    // budget (30/min per IP) is shared by every shopper, and retrying inside one shopper's request
    // spends it for the others; the shopper is told at once instead (issue 18).
    return error.status === undefined && isRequestSurelyNotSent(error.code)
  }

  private async attempt<T>(spec: RequestSpec<T>): Promise<T> {
    const idempotent = spec.rule === "idempotent"
    let response: AxiosResponse<unknown>
    try {
      response = await this.http.request({
        method: spec.method,
        url: spec.path,
        params: spec.params,
        data: spec.body,
      })
    } catch (caught) {
      const code = (caught as { code?: string }).code
      const timedOut = code === "ECONNABORTED" || code === "ETIMEDOUT"
      throw new MeumApiError({
        message: redact(
          timedOut
            ? `Meum did not answer ${spec.method} ${spec.path} in time`
            : `Could not reach Meum for ${spec.method} ${spec.path} (${code ?? "network error"})`,
          this.apiKey
        ),
        kind: kindForNetworkError(code, idempotent),
        code: timedOut ? "timeout" : code ?? "network_error",
        method: spec.method,
        path: spec.path,
      })
    }

    if (response.status >= 200 && response.status < 300) {
      const parsed = spec.schema.safeParse(response.data)
      if (parsed.success) return parsed.data
      throw new MeumApiError({
        message: `Meum answered ${spec.method} ${spec.path} with an unexpected body (${parsed.error.issues
          .map((issue) => issue.path.join(".") || "(root)")
          .join(", ")})`,
        kind: "final",
        code: "invalid_response",
        status: response.status,
        method: spec.method,
        path: spec.path,
      })
    }

    const body = readErrorBody(response.data)
    const detail = body.message ?? `HTTP ${response.status}`
    throw new MeumApiError({
      message: redact(`Meum rejected ${spec.method} ${spec.path}: ${detail}`, this.apiKey),
      kind: kindForStatus(response.status, idempotent),
      status: response.status,
      code: body.code ? redact(body.code, this.apiKey) : undefined,
      type: body.type ? redact(body.type, this.apiKey) : undefined,
      method: spec.method,
      path: spec.path,
      retryAfterMs: parseRetryAfter(response.headers["retry-after"], this.now()),
    })
  }
}

// ─── Recent paid reads ───
/**
 * Paid invoices read from Meum in the last few seconds, in this process. The reconcile workflow
 * reads the invoice, then Medusa's authorizePaymentSession asks the provider for the same invoice
 * a moment later in the same request path; this saves that second GET. Only `paid` reads are kept
 * (paid is where an invoice stays: reusing one cannot turn an unpaid answer into a paid one), and
 * only for a few seconds, so it can save a read but never change an answer. Nothing depends on it:
 * another process simply reads Meum.
 */
const MAX_AGE_MS = 10_000
const MAX_ENTRIES = 1_000

type Reads = WeakMap<object, Map<string, { invoice: Invoice; at: number }>>

/**
 * Per account: keyed by the account's client instance (one per registration, shared by its users).
 * Held on globalThis, like the provider registry: Medusa may load the provider and the workflows
 * through separate module instances (its loaders, jest's VM modules), and they must share it.
 */
const HOLDER_KEY = Symbol.for("medusa-payment-meum.recent-paid-reads")
const readsOf = (): Reads => ((globalThis as unknown as Record<symbol, Reads>)[HOLDER_KEY] ??= new WeakMap())

export function rememberPaidRead(account: object, invoice: Invoice, now: number = Date.now()): void {
  if (invoice.status !== "paid") return
  let reads = readsOf().get(account)
  if (!reads) readsOf().set(account, (reads = new Map()))
  if (reads.size >= MAX_ENTRIES) reads.delete(reads.keys().next().value as string)
  reads.set(invoice.id, { invoice, at: now })
}

export function recentPaidRead(account: object, invoiceId: string, now: number = Date.now()): Invoice | undefined {
  const reads = readsOf().get(account)
  const hit = reads?.get(invoiceId)
  if (!hit) return undefined
  if (now - hit.at > MAX_AGE_MS || now < hit.at) {
    reads!.delete(invoiceId)
    return undefined
  }
  return hit.invoice
}
