/**
 * Starts the Meum sandbox: a local, faithful Meum (API, hosted checkout, control API, signed
 * webhooks, fault injection) with its state in memory. Used by our tests, the demo and
 * merchants' CI — never imported by the provider.
 *
 * Behaviour switches. Where Meum's published docs allow several behaviours, the DEFAULT is the
 * least convenient one for a client; the others are opt-in. Set them as options here, at run time
 * on `sandbox.settings` (e.g. `sandbox.settings.dedupe = "open"`), through the control API
 * (`GET /sandbox/settings`, `POST /sandbox/settings` with a partial JSON object of the same keys)
 * or on the command line / environment (cli.ts). `reset()` leaves them as they are.
 *
 * - `idStyle` — default `"uuid"`: invoice ids are lowercase v4 UUIDs (developers landing page).
 *   `"inv"`: `inv_` + 32 hex (API reference). Checkout URLs are `/pay/{id}` either way.
 * - `dedupe` — default `"any"`: a create whose external_order_id an invoice already has answers
 *   200 with the newest such invoice in ANY status (paid, cancelled, expired…), creating nothing.
 *   `"open"`: only when that invoice is open. `"off"`: always create. `"conflict"`: 409
 *   `{error:{type:"invalid_request_error",code:"duplicate_external_order_id"}}`. The legacy
 *   boolean `dedupeByExternalOrderId` (true → "open", false → "off") applies when `dedupe` is not
 *   given; `settings.dedupeByExternalOrderId` still reads (dedupe !== "off") and writes.
 * - `closedCheckoutUrl` — default `"null"`: every API invoice representation has
 *   `checkout_url: null` once the invoice is not open ("null if no longer payable").
 *   `"keep"`: the URL stays. The hosted page itself keeps working for closed invoices.
 * - `statusBody` — default `"minimal"`: GET /v1/invoices/{id}/status answers only the documented
 *   `{swap_status, tx_hash, deposit_address, deposit_memo}`. `"full"`: also id, status, paid_amount.
 * - `createResponse` — default `"landing"`: the create answer (201, and the dedupe 200) is the
 *   landing page's `{id, invoiceId, status, checkout_url, payment_url, amount, currency,
 *   output_asset, expires_at}`. `"full"`: the API reference's whole invoice object.
 * - `outputAsset` — default `"nep141:sol-c800a4bd850783ccb82c2b2c7e84175443606352.omft.near"`.
 * - `payoutWalletConfigured` — default true; false makes creates fail 400 payout_wallet_not_configured.
 * - `rateLimit` (start option only) — default 30 creates / 60 s per client IP, then 429
 *   `{"error":"Too many requests"}` with Retry-After.
 *
 * Webhook endpoints: `POST /v1/webhook-endpoints` creates one with a secret of its own (shown once),
 * `GET /v1/webhook-endpoints/{id}/deliveries` lists its attempts, `POST /v1/webhook-endpoints/{id}/test`
 * sends it a signed `webhook.test` (webhook-endpoints-api.ts). The start option `webhookUrls`,
 * `addWebhookEndpoint` and `POST /sandbox/webhook-endpoints` add endpoints signed with `webhookSecret`.
 *
 * Transactions: `GET /v1/invoices/{id}/transactions` and `GET /v1/transactions` list the on-chain
 * movements of paid, underpaid and refunded invoices (transactions-api.ts, transactions.ts).
 */
import http from "node:http"
import type { AddressInfo } from "node:net"
import express, { type NextFunction, type Request, type Response } from "express"
import { FaultSwitches, type Faults } from "./fault-switches"
import { createApiRouter, sendError } from "./http-api"
import { createCheckoutRouter } from "./hosted-checkout"
import { createControlRouter } from "./control-api"
import { createWebhookEndpointsRouter, TEST_WEBHOOK_RATE_LIMIT } from "./webhook-endpoints-api"
import { createTransactionsRouter } from "./transactions-api"
import { InvoiceStore, type InvoiceEvent, type SandboxInvoice, type SimulatedOutcome } from "./invoice-store"
import { SlidingWindowRateLimiter, type RateLimit } from "./rate-limiter"
import { newInvoiceId } from "./ids"
import { DEFAULT_SANDBOX_API_KEY } from "../lib/meum/local-url"
import { ApiRequestLog, type ApiRequest } from "./request-log"
import {
  SandboxSettings,
  type ClosedCheckoutUrlMode,
  type CreateResponseMode,
  type DedupeMode,
  type IdStyle,
  type StatusBodyMode,
} from "./settings"
import { WebhookSender, type Delivery, type WebhookEndpoint, type WebhookRetry } from "./webhook-sender"

export interface MeumSandboxOptions {
  port?: number
  host?: string
  apiKeys?: string[]
  webhookSecret: string
  webhookUrls?: string[]
  invoiceLifetimeSeconds?: number
  /** Default 30 creates per 60 s per client IP. */
  rateLimit?: RateLimit
  /** Default "uuid" (landing page); "inv" = `inv_` + 32 hex. */
  idStyle?: IdStyle
  /** Default "any"; see the table above. Wins over `dedupeByExternalOrderId`. */
  dedupe?: DedupeMode
  /** @deprecated use `dedupe`: true → "open", false → "off" (used only when `dedupe` is not given). */
  dedupeByExternalOrderId?: boolean
  /** Default "null": `checkout_url` is null once the invoice is not payable; "keep" keeps it. */
  closedCheckoutUrl?: ClosedCheckoutUrlMode
  /** Default "minimal": the status endpoint answers only its documented fields; "full" adds id/status/paid_amount. */
  statusBody?: StatusBodyMode
  /** Default "landing": the create answer has the landing page's shape; "full" = the whole invoice object. */
  createResponse?: CreateResponseMode
  /** Default the landing page's `nep141:sol-…omft.near`. */
  outputAsset?: string
  payoutWalletConfigured?: boolean
  webhookRetry?: Partial<WebhookRetry>
  legacySignatures?: boolean
  integrationId?: string
  now?: () => number
  logger?: (line: string) => void
  /** Base of checkout URLs when the sandbox is reached through another host name. */
  publicUrl?: string
  /** How often overdue invoices are expired (they also expire when read). */
  expirySweepMs?: number
}

export interface MeumSandbox {
  url: string
  apiKey: string
  stop(): Promise<void>
  getInvoice(id: string): SandboxInvoice | undefined
  listInvoices(): SandboxInvoice[]
  simulate(id: string, outcome: SimulatedOutcome, paidAmount?: string): Promise<SandboxInvoice>
  setFaults(patch: Partial<Faults>): Faults
  resetFaults(): Faults
  addWebhookEndpoint(url: string): void
  /** Replaces every webhook endpoint (e.g. point Meum at one server of a cluster). */
  setWebhookEndpoints(urls: string[]): void
  /** Every webhook endpoint, secrets included (those of POST /v1/webhook-endpoints have their own). */
  webhookEndpoints(): WebhookEndpoint[]
  /** Changes the webhook retry schedule at run time (tests that need a window between attempts). */
  setWebhookRetry(patch: Partial<WebhookRetry>): WebhookRetry
  deliveries(): Delivery[]
  /** Every API request (/v1/…) since the start or the last reset, oldest first. */
  requests(): ApiRequest[]
  /** Resolves with the next API request matching the predicate. */
  waitForRequest(predicate: (request: ApiRequest) => boolean, options?: { timeoutMs?: number }): Promise<ApiRequest>
  /** Webhook events queued by the `webhook_hold` fault, sent when it is switched off. */
  heldWebhooks(): number
  waitForDeliveries(predicate: (deliveries: Delivery[]) => boolean, options?: { timeoutMs?: number }): Promise<Delivery[]>
  /** Resolves with the next invoice event matching the predicate (e.g. a create landing). */
  waitForInvoiceEvent(predicate: (event: InvoiceEvent) => boolean, options?: { timeoutMs?: number }): Promise<InvoiceEvent>
  expireDueInvoices(): number
  reset(): void
  /** The behaviour switches, read and written at run time (validated on write). */
  settings: SandboxSettings
}

// Defined next to the provider's boot check, which refuses it against a remote Meum.
export { DEFAULT_SANDBOX_API_KEY }

export async function startMeumSandbox(options: MeumSandboxOptions): Promise<MeumSandbox> {
  if (!options.webhookSecret) throw new Error("startMeumSandbox: webhookSecret is required")
  const now = options.now ?? Date.now
  const log = options.logger ?? (() => {})
  const apiKeys = options.apiKeys?.length ? options.apiKeys : [DEFAULT_SANDBOX_API_KEY]
  const settings = new SandboxSettings({
    idStyle: options.idStyle,
    dedupe: options.dedupe,
    dedupeByExternalOrderId: options.dedupeByExternalOrderId,
    closedCheckoutUrl: options.closedCheckoutUrl,
    statusBody: options.statusBody,
    createResponse: options.createResponse,
    outputAsset: options.outputAsset,
    payoutWalletConfigured: options.payoutWalletConfigured,
  })
  let baseUrl = ""

  const faults = new FaultSwitches()
  const store = new InvoiceStore({
    lifetimeSeconds: options.invoiceLifetimeSeconds ?? 3600,
    now,
    checkoutUrl: (id) => `${baseUrl}/pay/${id}`,
    newId: () => newInvoiceId(settings.idStyle),
    outputAsset: () => settings.outputAsset,
  })
  const rateLimiter = new SlidingWindowRateLimiter(options.rateLimit ?? { max: 30, windowMs: 60_000 }, now)
  const testWebhookLimiter = new SlidingWindowRateLimiter(TEST_WEBHOOK_RATE_LIMIT, now)
  const webhooks = new WebhookSender({
    secret: options.webhookSecret,
    retry: { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000, ...options.webhookRetry },
    legacySignatures: options.legacySignatures ?? false,
    integrationId: options.integrationId,
    now,
    faults,
  })
  for (const url of options.webhookUrls ?? []) webhooks.addEndpoint({ url })
  store.on("event", (event) => webhooks.send(event))

  const requestLog = new ApiRequestLog()
  const reset = () => {
    store.reset()
    requestLog.clear()
    webhooks.dropHeld() // events of forgotten invoices must not go out when the hold is lifted
    faults.reset()
    rateLimiter.reset()
    testWebhookLimiter.reset()
    webhooks.clearLog()
  }

  const app = express()
  app.disable("x-powered-by")
  // One line per request; never the Authorization header or a body.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const started = Date.now()
    res.on("finish", () => log(`meum-sandbox ${req.method} ${req.path} ${res.statusCode} ${Date.now() - started}ms`))
    next()
  })
  app.use("/v1", (req: Request, _res: Response, next: NextFunction) => {
    requestLog.record({ method: req.method, path: req.originalUrl.split("?")[0], query: { ...req.query }, host: req.headers.host ?? "", at: Date.now() })
    next()
  })
  const moreApiRoutes = express.Router()
  moreApiRoutes.use(createWebhookEndpointsRouter(webhooks, testWebhookLimiter))
  moreApiRoutes.use(createTransactionsRouter(store))
  app.use(createApiRouter(store, faults, rateLimiter, {
    apiKeys: () => apiKeys,
    settings: () => settings.toJSON(),
  }, moreApiRoutes))
  app.use(createCheckoutRouter(store))
  app.use(createControlRouter(store, faults, webhooks, reset, settings))
  app.use((_req: Request, res: Response) => sendError(res, 404, "invalid_request_error", "route_not_found", "No such route"))
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: number }).status ?? 500
    sendError(res, status, status < 500 ? "invalid_request_error" : "api_error", status < 500 ? "invalid_body" : "internal_error", status < 500 ? "Malformed request body" : "Sandbox error")
  })

  const server = http.createServer(app)
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new Error(`Meum sandbox: port ${options.port} is already in use`) : error)
    )
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve())
  })
  const address = server.address() as AddressInfo
  const host = options.host && options.host !== "0.0.0.0" && options.host !== "::" ? options.host : "127.0.0.1"
  baseUrl = (options.publicUrl ?? `http://${host}:${address.port}`).replace(/\/$/, "")

  const sweep = setInterval(() => store.expireDue(), options.expirySweepMs ?? 1000)
  sweep.unref()

  const sockets = new Set<import("node:net").Socket>()
  server.on("connection", (socket) => {
    sockets.add(socket)
    socket.on("close", () => sockets.delete(socket))
  })

  return {
    url: baseUrl,
    apiKey: apiKeys[0],
    settings,
    async stop() {
      clearInterval(sweep)
      webhooks.stop()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        // Hanging requests (fault injection) and keep-alive sockets must not block the stop.
        sockets.forEach((socket) => socket.destroy())
      })
    },
    getInvoice: (id) => store.get(id),
    listInvoices: () => store.list(),
    simulate: async (id, outcome, paidAmount) => store.simulate(id, outcome, paidAmount),
    setFaults: (patch) => faults.set(patch),
    resetFaults: () => faults.reset(),
    addWebhookEndpoint: (url) => void webhooks.addEndpoint({ url }),
    setWebhookEndpoints: (urls) => webhooks.setEndpoints(urls),
    webhookEndpoints: () => webhooks.endpointList(),
    setWebhookRetry: (patch) => webhooks.setRetry(patch),
    deliveries: () => webhooks.deliveries(),
    requests: () => requestLog.list(),
    waitForRequest: (predicate, waitOptions) => requestLog.waitFor(predicate, waitOptions),
    heldWebhooks: () => webhooks.heldCount(),
    waitForDeliveries: (predicate, waitOptions) => webhooks.waitForDeliveries(predicate, waitOptions),
    waitForInvoiceEvent: (predicate, waitOptions) =>
      new Promise<InvoiceEvent>((resolve, reject) => {
        const onEvent = (event: InvoiceEvent) => {
          if (!predicate(event)) return
          cleanup()
          resolve(event)
        }
        const timer = setTimeout(() => {
          cleanup()
          reject(new Error("expected sandbox invoice event not seen in time"))
        }, waitOptions?.timeoutMs ?? 10_000)
        const cleanup = () => {
          clearTimeout(timer)
          store.off("event", onEvent)
        }
        store.on("event", onEvent)
      }),
    expireDueInvoices: () => store.expireDue(),
    reset,
  }
}
