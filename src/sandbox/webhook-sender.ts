/**
 * Delivers the sandbox's webhook events like Meum would (meum-api.md §11): the documented
 * envelope, `X-Stablecoin-*` headers, v1 signature (legacy on request) re-signed per attempt,
 * to every endpoint subscribed to the event (each signed with its own secret) and the invoice's
 * callback_url (the sandbox's secret). Non-2xx answers and network errors are retried with
 * exponential backoff, bounded. Faults can drop, duplicate, delay or reorder deliveries. Every
 * attempt is recorded, with the endpoint it went to.
 *
 * One registry of endpoints: those of the start options and the control API
 * (`/sandbox/webhook-endpoints`) are signed with the sandbox's secret and get every event; those
 * created through `POST /v1/webhook-endpoints` have a secret of their own and their `events` list.
 */
import { EventEmitter } from "node:events"
import { randomBytes } from "node:crypto"
import axios from "axios"
import { signWebhook } from "../lib/meum/webhook-signature"
import { WEBHOOK_EVENT_TYPES } from "../lib/meum/schemas"
import type { FaultSwitches } from "./fault-switches"
import { newId } from "./ids"
import type { InvoiceEvent, SandboxInvoice } from "./invoice-store"

export interface WebhookRetry {
  maxAttempts: number
  baseDelayMs: number
  maxDelayMs: number
}

export interface Delivery {
  id: string
  event_id: string
  event_type: string
  /** null for events about no invoice (`webhook.test`). */
  invoice_id: string | null
  /** The endpoint it went to (`wh_…`); null for an invoice's callback_url. */
  endpoint_id: string | null
  url: string
  attempt_number: number
  status_code: number | null
  error: string | null
  dropped: boolean
  attempted_at: string
}

/** A webhook endpoint as Meum keeps it (meum-api.md §8.4). */
export interface WebhookEndpoint {
  id: string
  name: string
  url: string
  secret: string
  /** The event types it gets; null: every event (the endpoints of the options and control API). */
  events: readonly string[] | null
  created_at: string
}

/**
 * What an endpoint created without `events` gets: every documented event but `invoice.refunded` —
 * the six standard invoice events and `webhook.test`, as Meum's overview lists them (CONFLICT C13:
 * the payment-statuses page hints that underpaid/cancelled may not be default; the plugin's setup
 * command always sends its list).
 */
export const DEFAULT_ENDPOINT_EVENTS: readonly string[] = WEBHOOK_EVENT_TYPES.filter((type) => type !== "invoice.refunded")

/** The documented `webhook.test` body (meum-api.md §11.5): id, type and a message, nothing else. */
export const webhookTestBody = (eventId: string): string =>
  JSON.stringify({ id: eventId, type: "webhook.test", data: { message: "Test webhook from Stablecoin Checkout" } })

interface OutgoingEvent {
  id: string
  type: string
  invoice: SandboxInvoice | null
  body: string
}

interface Target {
  url: string
  secret: string
  endpointId: string | null
}

export interface WebhookSenderOptions {
  secret: string
  retry: WebhookRetry
  legacySignatures: boolean
  integrationId?: string
  now: () => number
  faults: FaultSwitches
}

/** The reordering window: events of one burst arriving within it are delivered newest first. */
const REORDER_WINDOW_MS = 50

/**
 * The documented envelope. `data` carries the landing page example's fields (invoice_id,
 * external_order_id, amount, currency, status, paid_at, payment_url) plus the guide's extra
 * ones. `payment_url` is the URL as issued, also on closed invoices: the landing page's
 * `invoice.paid` example carries it (the `closedCheckoutUrl` switch governs the API's
 * `checkout_url` only; webhooks have no such field).
 */
export function webhookEnvelope(eventId: string, type: string, invoice: SandboxInvoice, now: number): string {
  const paid = invoice.paid_amount
  const difference = paid ? (Number(invoice.amount) - Number(paid)).toFixed(2) : null
  return JSON.stringify({
    id: eventId,
    type,
    createdAt: new Date(now).toISOString(),
    organizationId: "org_sandbox",
    storeId: "store_sandbox",
    storePublicId: "sandbox-store",
    data: {
      invoice_id: invoice.id,
      external_order_id: invoice.external_order_id,
      amount: invoice.amount,
      expected_amount: invoice.amount,
      received_amount: paid,
      difference_amount: difference,
      paid_amount: paid,
      currency: invoice.currency,
      output_asset: invoice.output_asset,
      tx_hash: invoice.transaction_hash,
      paid_at: invoice.paid_at,
      payment_url: invoice.checkout_url,
      status: invoice.status,
    },
    _platform: { webhookEndpointId: "wh_sandbox" },
  })
}

export class WebhookSender extends EventEmitter {
  private readonly registered = new Map<string, WebhookEndpoint>()
  private readonly log: Delivery[] = []
  private readonly timers = new Set<NodeJS.Timeout>()
  private reorderBuffer: OutgoingEvent[] = []
  private reorderTimer: NodeJS.Timeout | undefined
  private held: OutgoingEvent[] = []
  private stopped = false

  constructor(private readonly options: WebhookSenderOptions) {
    super()
    this.setMaxListeners(0)
    options.faults.onChange((faults) => {
      if (!faults.webhook_hold) this.releaseHeld()
    })
  }

  /** Events queued by `webhook_hold`, not yet sent. */
  heldCount(): number {
    return this.held.length
  }

  /**
   * Adds an endpoint. Without a secret it is signed with the sandbox's own and gets every event;
   * such an endpoint is added once per URL (adding it again returns the existing one).
   */
  addEndpoint(input: { url: string; secret?: string; name?: string; events?: readonly string[] }): WebhookEndpoint {
    if (!input.secret) {
      const existing = [...this.registered.values()].find((endpoint) => endpoint.url === input.url && endpoint.secret === this.options.secret && !endpoint.events)
      if (existing) return { ...existing }
    }
    const endpoint: WebhookEndpoint = {
      id: newId("wh_"),
      name: input.name ?? "Default",
      url: input.url,
      secret: input.secret ?? this.options.secret,
      events: input.events ? [...input.events] : input.secret ? DEFAULT_ENDPOINT_EVENTS : null,
      created_at: new Date(this.options.now()).toISOString(),
    }
    this.registered.set(endpoint.id, endpoint)
    return { ...endpoint }
  }

  /** A new endpoint with a secret of its own (64 hex, like the API reference's example). */
  createEndpoint(input: { url: string; name?: string; events?: readonly string[] }): WebhookEndpoint {
    return this.addEndpoint({ ...input, secret: randomBytes(32).toString("hex") })
  }

  endpoint(id: string): WebhookEndpoint | undefined {
    const found = this.registered.get(id)
    return found && { ...found }
  }

  endpointList(): WebhookEndpoint[] {
    return [...this.registered.values()].map((endpoint) => ({ ...endpoint }))
  }

  /** Replaces every endpoint by these URLs (signed with the sandbox's secret, every event). */
  setEndpoints(urls: readonly string[]): void {
    this.registered.clear()
    for (const url of urls) this.addEndpoint({ url })
  }

  /**
   * Sends a `webhook.test` event to one endpoint (hold and reorder do not apply: it is no invoice's
   * event; drop, duplicate and delay do). Returns the event's id.
   */
  sendTest(endpointId: string): { id: string; type: string } | undefined {
    const endpoint = this.registered.get(endpointId)
    if (!endpoint || this.stopped) return undefined
    const id = newId("evt_")
    this.dispatchTo({ id, type: "webhook.test", invoice: null, body: webhookTestBody(id) }, [{ url: endpoint.url, secret: endpoint.secret, endpointId: endpoint.id }])
    return { id, type: "webhook.test" }
  }

  deliveries(): Delivery[] {
    return this.log.map((delivery) => ({ ...delivery }))
  }

  /** Resolves once the predicate holds over the delivery log (checked on every new attempt). */
  waitForDeliveries(predicate: (deliveries: Delivery[]) => boolean, { timeoutMs = 10_000 } = {}): Promise<Delivery[]> {
    if (predicate(this.deliveries())) return Promise.resolve(this.deliveries())
    return new Promise((resolve, reject) => {
      const onDelivery = () => {
        const snapshot = this.deliveries()
        if (predicate(snapshot)) {
          cleanup()
          resolve(snapshot)
        }
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`expected webhook deliveries not seen within ${timeoutMs} ms`))
      }, timeoutMs)
      const cleanup = () => {
        clearTimeout(timer)
        this.off("delivery", onDelivery)
      }
      this.on("delivery", onDelivery)
    })
  }

  send(event: InvoiceEvent): void {
    if (this.stopped) return
    const id = newId("evt_")
    const outgoing: OutgoingEvent = {
      id,
      type: event.type,
      invoice: event.invoice,
      body: webhookEnvelope(id, event.type, event.invoice, this.options.now()),
    }
    if (this.options.faults.get().webhook_hold) {
      this.held.push(outgoing)
      return
    }
    if (this.options.faults.get().webhook_reorder) {
      this.reorderBuffer.push(outgoing)
      this.reorderTimer ??= this.later(REORDER_WINDOW_MS, () => {
        const burst = this.reorderBuffer.reverse()
        this.reorderBuffer = []
        this.reorderTimer = undefined
        burst.forEach((item) => this.dispatch(item))
      })
      return
    }
    this.dispatch(outgoing)
  }

  setRetry(patch: Partial<WebhookRetry>): WebhookRetry {
    Object.assign(this.options.retry, patch)
    return { ...this.options.retry }
  }

  /** Sends every held event at once, in the order they were emitted. */
  private releaseHeld(): void {
    const burst = this.held
    this.held = []
    burst.forEach((item) => this.dispatch(item))
  }

  /** Forgets held events without sending them (a sandbox reset). */
  dropHeld(): void {
    this.held = []
  }

  stop(): void {
    this.stopped = true
    this.held = []
    this.timers.forEach(clearTimeout)
    this.timers.clear()
  }

  clearLog(): void {
    this.log.length = 0
  }

  /** The endpoints subscribed to the event, and the invoice's callback_url; one delivery per URL and secret. */
  private dispatch(event: OutgoingEvent): void {
    const targets: Target[] = [...this.registered.values()]
      .filter((endpoint) => !endpoint.events || endpoint.events.includes(event.type))
      .map((endpoint) => ({ url: endpoint.url, secret: endpoint.secret, endpointId: endpoint.id }))
    const callbackUrl = event.invoice?.callback_url
    if (callbackUrl) targets.push({ url: callbackUrl, secret: this.options.secret, endpointId: null })
    const unique = new Map(targets.map((target) => [`${target.url} ${target.secret}`, target]))
    this.dispatchTo(event, [...unique.values()])
  }

  private dispatchTo(event: OutgoingEvent, targets: Target[]): void {
    const faults = this.options.faults.get()
    for (const target of targets) {
      if (this.options.faults.chance(faults.webhook_drop_rate)) {
        this.record(event, target, 1, { dropped: true })
        continue
      }
      for (let copy = 0; copy < faults.webhook_duplicates; copy++) {
        this.later(faults.webhook_delay_ms, () => void this.attempt(event, target, 1))
      }
    }
  }

  private async attempt(event: OutgoingEvent, target: Target, attemptNumber: number): Promise<void> {
    if (this.stopped) return
    const url = target.url
    const timestamp = Math.floor(this.options.now() / 1000)
    const headers = signWebhook({
      secret: target.secret,
      rawBody: event.body,
      timestamp,
      eventType: event.type,
      eventId: event.id,
      integrationId: this.options.integrationId,
      legacy: this.options.legacySignatures,
    })
    let statusCode: number | null = null
    let error: string | null = null
    try {
      const response = await axios.post(url, event.body, {
        headers,
        timeout: 10_000,
        validateStatus: () => true,
        transformRequest: [(data: string) => data],
        maxRedirects: 0,
      })
      statusCode = response.status
    } catch (caught) {
      error = (caught as { code?: string }).code ?? "network_error"
    }
    if (this.stopped) return
    this.record(event, target, attemptNumber, { statusCode, error })
    const delivered = statusCode !== null && statusCode >= 200 && statusCode < 300
    if (!delivered && attemptNumber < this.options.retry.maxAttempts) {
      const delay = Math.min(this.options.retry.maxDelayMs, this.options.retry.baseDelayMs * 2 ** (attemptNumber - 1))
      this.later(delay, () => void this.attempt(event, target, attemptNumber + 1))
    }
  }

  private record(
    event: OutgoingEvent,
    target: Target,
    attemptNumber: number,
    outcome: { statusCode?: number | null; error?: string | null; dropped?: boolean }
  ): void {
    const delivery: Delivery = {
      id: newId("whd_"),
      event_id: event.id,
      event_type: event.type,
      invoice_id: event.invoice?.id ?? null,
      endpoint_id: target.endpointId,
      url: target.url,
      attempt_number: attemptNumber,
      status_code: outcome.statusCode ?? null,
      error: outcome.error ?? null,
      dropped: outcome.dropped ?? false,
      attempted_at: new Date(this.options.now()).toISOString(),
    }
    this.log.push(delivery)
    this.emit("delivery", delivery)
  }

  private later(ms: number, run: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      run()
    }, ms)
    timer.unref?.()
    this.timers.add(timer)
    return timer
  }
}
