/**
 * Delivers the sandbox's webhook events like Meum would (meum-api.md §11): the documented
 * envelope, `X-Stablecoin-*` headers, v1 signature (legacy on request) re-signed per attempt,
 * to every configured endpoint and the invoice's callback_url. Non-2xx answers and network
 * errors are retried with exponential backoff, bounded. Faults can drop, duplicate, delay or
 * reorder deliveries. Every attempt is recorded.
 */
import { EventEmitter } from "node:events"
import axios from "axios"
import { signWebhook } from "../lib/meum/webhook-signature"
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
  invoice_id: string
  url: string
  attempt_number: number
  status_code: number | null
  error: string | null
  dropped: boolean
  attempted_at: string
}

interface OutgoingEvent {
  id: string
  type: string
  invoice: SandboxInvoice
  body: string
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
  readonly endpoints = new Set<string>()
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

  private dispatch(event: OutgoingEvent): void {
    const faults = this.options.faults.get()
    const targets = new Set(this.endpoints)
    if (event.invoice.callback_url) targets.add(event.invoice.callback_url)
    for (const url of targets) {
      if (this.options.faults.chance(faults.webhook_drop_rate)) {
        this.record(event, url, 1, { dropped: true })
        continue
      }
      for (let copy = 0; copy < faults.webhook_duplicates; copy++) {
        this.later(faults.webhook_delay_ms, () => void this.attempt(event, url, 1))
      }
    }
  }

  private async attempt(event: OutgoingEvent, url: string, attemptNumber: number): Promise<void> {
    if (this.stopped) return
    const timestamp = Math.floor(this.options.now() / 1000)
    const headers = signWebhook({
      secret: this.options.secret,
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
    this.record(event, url, attemptNumber, { statusCode, error })
    const delivered = statusCode !== null && statusCode >= 200 && statusCode < 300
    if (!delivered && attemptNumber < this.options.retry.maxAttempts) {
      const delay = Math.min(this.options.retry.maxDelayMs, this.options.retry.baseDelayMs * 2 ** (attemptNumber - 1))
      this.later(delay, () => void this.attempt(event, url, attemptNumber + 1))
    }
  }

  private record(
    event: OutgoingEvent,
    url: string,
    attemptNumber: number,
    outcome: { statusCode?: number | null; error?: string | null; dropped?: boolean }
  ): void {
    const delivery: Delivery = {
      id: newId("whd_"),
      event_id: event.id,
      event_type: event.type,
      invoice_id: event.invoice.id,
      url,
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
