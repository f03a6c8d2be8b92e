/**
 * The sandbox's in-memory invoices and their lifecycle (meum-api.md §10). Every transition
 * emits the matching webhook event type. Expiry runs on the injectable clock: invoices past
 * `expires_at` flip to `expired` when read and on the periodic sweep.
 */
import { EventEmitter } from "node:events"
import BigNumber from "bignumber.js"
import { isOpenInvoiceStatus, type InvoiceStatus } from "../lib/meum/invoice"
import { fakeTransactionHash } from "./ids"

/**
 * The sandbox's internal invoice record. `checkout_url` is the URL as issued (the hosted page
 * keeps working for closed invoices); the API's representation (`http-api.ts`) may null it and
 * never shows `callback_url`.
 */
export interface SandboxInvoice {
  id: string
  external_order_id: string | null
  status: InvoiceStatus
  amount: string
  currency: string
  order_amount: string
  order_currency: string
  paid_amount: string | null
  output_asset: string
  checkout_url: string
  return_url: string | null
  callback_url: string | null
  customer_id: string | null
  payment_link_id: string | null
  transaction_hash: string | null
  metadata: Record<string, unknown> | null
  created_at: string
  updated_at: string
  paid_at: string | null
  expires_at: string
}

export interface NewInvoice {
  amount: string
  currency: string
  external_order_id?: string
  return_url?: string
  callback_url?: string
  metadata?: Record<string, unknown>
}

/**
 * `paid_late` / `underpaid_late`: money that lands on an invoice already expired, cancelled or
 * failed (the wallet sent before the deadline, the confirmations came after). Meum's docs do not
 * promise it cannot happen, so the sandbox can produce it; the plain outcomes move open invoices only.
 */
export type SimulatedOutcome = "paid" | "underpaid" | "failed" | "expired" | "paid_late" | "underpaid_late" | "refunded"

/** Statuses late money can still land on. */
const LATE_PAYABLE = new Set<InvoiceStatus>(["expired", "cancelled", "failed"])

const EVENT_FOR_STATUS: Partial<Record<InvoiceStatus, string>> = {
  paid: "invoice.paid",
  underpaid: "invoice.underpaid",
  failed: "invoice.failed",
  expired: "invoice.expired",
  cancelled: "invoice.cancelled",
  // Not among Meum's default subscriptions; the sandbox sends it to every endpoint it knows.
  refunded: "invoice.refunded",
}

export class SandboxStateError extends Error {
  constructor(message: string, readonly httpStatus: 404 | 400 | 409, readonly code: string) {
    super(message)
  }
}

export interface InvoiceEvent {
  type: string
  invoice: SandboxInvoice
}

export class InvoiceStore extends EventEmitter {
  private readonly invoices = new Map<string, SandboxInvoice>()
  /** Insertion order = creation order; lists read it backwards (newest first). */
  private readonly order: string[] = []
  /** external_order_id → ids, oldest first: dedupe lookups stay O(1) with 100,000 invoices. */
  private readonly byExternalOrderId = new Map<string, string[]>()

  constructor(
    private readonly options: {
      lifetimeSeconds: number
      now: () => number
      checkoutUrl: (id: string) => string
      /** Read at each create: the id style and output asset can change at run time. */
      newId: () => string
      outputAsset: () => string
    }
  ) {
    super()
  }

  private iso(): string {
    return new Date(this.options.now()).toISOString()
  }

  create(input: NewInvoice): SandboxInvoice {
    const id = this.options.newId()
    const now = this.iso()
    const invoice: SandboxInvoice = {
      id,
      external_order_id: input.external_order_id ?? null,
      status: "awaiting_payment",
      amount: input.amount,
      currency: input.currency.toUpperCase(),
      order_amount: input.amount,
      order_currency: input.currency.toUpperCase(),
      paid_amount: null,
      output_asset: this.options.outputAsset(),
      checkout_url: this.options.checkoutUrl(id),
      return_url: input.return_url ?? null,
      callback_url: input.callback_url ?? null,
      customer_id: null,
      payment_link_id: null,
      transaction_hash: null,
      metadata: input.metadata ?? null,
      created_at: now,
      updated_at: now,
      paid_at: null,
      expires_at: new Date(this.options.now() + this.options.lifetimeSeconds * 1000).toISOString(),
    }
    this.invoices.set(id, invoice)
    this.order.push(id)
    if (input.external_order_id) {
      const ids = this.byExternalOrderId.get(input.external_order_id)
      if (ids) ids.push(id)
      else this.byExternalOrderId.set(input.external_order_id, [id])
    }
    this.emit("event", { type: "invoice.created", invoice: { ...invoice } } satisfies InvoiceEvent)
    return { ...invoice }
  }

  get(id: string): SandboxInvoice | undefined {
    const invoice = this.invoices.get(id)
    if (!invoice) return undefined
    this.expireIfDue(invoice)
    return { ...invoice }
  }

  /** Newest first. */
  list(): SandboxInvoice[] {
    return [...this.order].reverse().map((id) => this.get(id)!)
  }

  /** The newest open invoice with this external_order_id. */
  findOpenByExternalOrderId(externalOrderId: string): SandboxInvoice | undefined {
    const ids = this.byExternalOrderId.get(externalOrderId) ?? []
    for (let index = ids.length - 1; index >= 0; index--) {
      const invoice = this.get(ids[index])
      if (invoice && isOpenInvoiceStatus(invoice.status)) return invoice
    }
    return undefined
  }

  /** The newest invoice with this external_order_id, whatever its status. */
  findByExternalOrderId(externalOrderId: string): SandboxInvoice | undefined {
    const ids = this.byExternalOrderId.get(externalOrderId)
    return ids?.length ? this.get(ids[ids.length - 1]) : undefined
  }

  /**
   * One page of the list endpoint, newest first: the filters run over ids and statuses in place,
   * and only the page's invoices are copied (the job lists paid invoices of stores holding
   * 100,000 open ones). Cursor semantics as Meum's list: `starting_after` → the older ones after
   * that id, `ending_before` → the newer ones before it (an unknown cursor reads from the start).
   */
  page(query: { status?: string; external_order_id?: string; starting_after?: string; ending_before?: string; limit: number }): { data: SandboxInvoice[]; hasMore: boolean } {
    const ids: string[] = []
    for (let index = this.order.length - 1; index >= 0; index--) {
      const invoice = this.invoices.get(this.order[index])!
      this.expireIfDue(invoice)
      if (query.status && invoice.status !== query.status) continue
      if (query.external_order_id && invoice.external_order_id !== query.external_order_id) continue
      ids.push(invoice.id)
    }
    let start = 0
    let end = ids.length
    if (query.starting_after) {
      start = ids.indexOf(query.starting_after) + 1
    } else if (query.ending_before) {
      const index = ids.indexOf(query.ending_before)
      end = index < 0 ? ids.length : index
      start = Math.max(0, end - query.limit)
    }
    const window = ids.slice(start, end)
    const hasMore = query.ending_before ? start > 0 : window.length > query.limit
    return { data: window.slice(0, query.limit).map((id) => this.get(id)!), hasMore }
  }

  cancel(id: string): SandboxInvoice {
    const invoice = this.require(id)
    if (!isOpenInvoiceStatus(invoice.status)) {
      throw new SandboxStateError(`Invoice is ${invoice.status} and cannot be cancelled`, 400, "invoice_not_cancellable")
    }
    return this.transition(invoice, "cancelled")
  }

  simulate(id: string, outcome: SimulatedOutcome, paidAmount?: string): SandboxInvoice {
    const invoice = this.require(id)
    if (outcome === "refunded") {
      // Meum refunds outside any API of ours (its dashboard): money that arrived goes back.
      if (invoice.status !== "paid" && invoice.status !== "underpaid") {
        throw new SandboxStateError(`Invoice is ${invoice.status}: only a paid or underpaid invoice can be refunded`, 409, "invoice_not_paid")
      }
      return this.transition(invoice, "refunded")
    }
    const late = outcome === "paid_late" || outcome === "underpaid_late"
    if (late && !LATE_PAYABLE.has(invoice.status)) {
      throw new SandboxStateError(`Invoice is ${invoice.status}: late money lands only on an expired, cancelled or failed invoice`, 409, "invoice_not_closed")
    }
    if (!late && !isOpenInvoiceStatus(invoice.status)) {
      throw new SandboxStateError(`Invoice is ${invoice.status}: only open invoices can be paid`, 409, "invoice_not_open")
    }
    switch (outcome) {
      case "paid":
      case "paid_late":
        return this.transition(invoice, "paid", {
          paid_amount: paidAmount ?? invoice.amount,
          transaction_hash: fakeTransactionHash(),
          paid_at: this.iso(),
        })
      case "underpaid":
      case "underpaid_late": {
        const half = new BigNumber(invoice.amount).dividedBy(2).decimalPlaces(2, BigNumber.ROUND_DOWN).toFixed(2)
        return this.transition(invoice, "underpaid", {
          paid_amount: paidAmount ?? half,
          transaction_hash: fakeTransactionHash(),
        })
      }
      case "failed":
        return this.transition(invoice, "failed")
      case "expired":
        return this.transition(invoice, "expired")
    }
  }

  /** Flips every overdue open invoice to expired; returns how many. */
  expireDue(): number {
    let expired = 0
    for (const invoice of this.invoices.values()) {
      if (this.expireIfDue(invoice)) expired++
    }
    return expired
  }

  reset(): void {
    this.invoices.clear()
    this.order.length = 0
    this.byExternalOrderId.clear()
  }

  private require(id: string): SandboxInvoice {
    const invoice = this.invoices.get(id)
    if (!invoice) throw new SandboxStateError(`No such invoice: ${id}`, 404, "resource_missing")
    this.expireIfDue(invoice)
    return invoice
  }

  private expireIfDue(invoice: SandboxInvoice): boolean {
    if (isOpenInvoiceStatus(invoice.status) && Date.parse(invoice.expires_at) <= this.options.now()) {
      this.transition(invoice, "expired")
      return true
    }
    return false
  }

  private transition(invoice: SandboxInvoice, status: InvoiceStatus, changes: Partial<SandboxInvoice> = {}): SandboxInvoice {
    Object.assign(invoice, changes, { status, updated_at: this.iso() })
    const type = EVENT_FOR_STATUS[status]
    if (type) this.emit("event", { type, invoice: { ...invoice } } satisfies InvoiceEvent)
    return { ...invoice }
  }
}
