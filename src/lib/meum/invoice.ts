/**
 * A Meum invoice as the plugin reads it: everything an invoice says, in one file, in the order a
 * reader needs it —
 *   1. its statuses and its shape (the API reference's invoice object, read as documented);
 *   2. THE status table: Meum status → Medusa session status, event → webhook action, and each
 *      status's phase (the only copy in code; README prints the same table);
 *   3. its money: Medusa amounts ↔ Meum decimal strings, decimal arithmetic only;
 *   4. whose it is: the external_order_id of a cart's invoices;
 *   5. whether it is the invoice we asked for, paid as asked.
 * This folder must not import @medusajs: Medusa's status names are spelled out as literals here
 * and checked against Medusa's own types in the provider; Medusa's BigNumber is recognised by its shape.
 */
import BigNumber from "bignumber.js"
import { z } from "zod"
import type { WebhookEventType } from "./schemas"

// ─── 1. Statuses and shape ───
/** Every invoice status Meum documents (meum-api.md §10.2). */
export const INVOICE_STATUSES = [
  "pending",
  "quoted",
  "awaiting_payment",
  "paid",
  "underpaid",
  "expired",
  "failed",
  "refunded",
  "cancelled",
] as const
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number]
export const invoiceStatusSchema = z.enum(INVOICE_STATUSES)

/**
 * What the plugin reads as an invoice's status: one of the nine documented ones, or "unknown"
 * for anything else (a status Meum adds later, or none at all — the API reference's own example
 * object has no `status`). An unknown status never makes an invoice unreadable; it changes
 * nothing (status table) and the raw value is kept in `reported_status` for logs and admin.
 */
export const UNKNOWN_INVOICE_STATUS = "unknown" as const
export type ReadInvoiceStatus = InvoiceStatus | typeof UNKNOWN_INVOICE_STATUS

export const isKnownInvoiceStatus = (status: unknown): status is InvoiceStatus =>
  typeof status === "string" && (INVOICE_STATUSES as readonly string[]).includes(status)

// One form of a Meum money string: decimalStringSchema here, fromMeumAmount (section 3).
const DECIMAL_STRING = /^\d+(\.\d+)?$/

/** A decimal money string as Meum writes it: "100.00", "5", "0.125". No sign, no exponent. */
export const decimalStringSchema = z.string().regex(DECIMAL_STRING, "must be a decimal string such as \"10.00\"")

export const nullableString = z.string().nullable().optional()

/**
 * The invoice object of the API reference ("Cancel invoice" page), read as documented:
 * `checkout_url` is `string<uri> | null` ("null if no longer payable"); `paid_amount` ("null
 * until payment starts"), `transaction_hash`/`paid_at` ("null until paid"), `return_url`,
 * `customer_id`, `payment_link_id` are nullable. The landing page's create response adds
 * `invoiceId` and `payment_url` beside `id` and `checkout_url`. `paid_amount`'s unit is not
 * documented (it may be the output asset), so it is any string here: paidAmountShort (section 5)
 * decides whether it is comparable. Unknown fields are kept (looseObject).
 */
const invoiceObjectSchema = z.looseObject({
  id: z.string().min(1),
  invoiceId: nullableString,
  status: z.string().nullable().optional(),
  amount: decimalStringSchema,
  currency: z.string().min(1),
  order_amount: nullableString,
  order_currency: nullableString,
  checkout_url: nullableString,
  payment_url: nullableString,
  expires_at: nullableString,
  external_order_id: nullableString,
  return_url: nullableString,
  customer_id: nullableString,
  payment_link_id: nullableString,
  paid_amount: nullableString,
  output_asset: nullableString,
  transaction_hash: nullableString,
  paid_at: nullableString,
  created_at: nullableString,
  updated_at: nullableString,
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
})

export const invoiceSchema = invoiceObjectSchema.transform((invoice) => ({
  ...invoice,
  status: (isKnownInvoiceStatus(invoice.status) ? invoice.status : UNKNOWN_INVOICE_STATUS) as ReadInvoiceStatus,
  /** Meum's status exactly as sent (null when absent). */
  reported_status: invoice.status ?? null,
  // An explicit `checkout_url: null` means "not payable"; only a response without the field
  // (none documented) falls back to the landing page's `payment_url`.
  checkout_url: invoice.checkout_url !== undefined ? invoice.checkout_url : (invoice.payment_url ?? null),
}))
export type Invoice = z.output<typeof invoiceSchema>

// ─── 2. The status table ───
// ARCHITECTURE.md "Status table". `Record<Union, …>` makes the compiler reject a missing row.
export type SessionStatus =
  | "authorized"
  | "captured"
  | "pending"
  | "requires_more"
  | "error"
  | "canceled"
  | "pending_authorization"

export type WebhookAction =
  | "authorized"
  | "captured"
  | "failed"
  | "pending"
  | "requires_more"
  | "canceled"
  | "not_supported"
  | "pending_authorization"

export type CheckoutMode = "pay_first" | "order_first"

interface StatusRow {
  pay_first: SessionStatus
  order_first: SessionStatus
}

export const INVOICE_STATUS_TABLE = {
  pending: { pay_first: "pending", order_first: "pending_authorization" },
  quoted: { pay_first: "pending", order_first: "pending_authorization" },
  awaiting_payment: { pay_first: "pending", order_first: "pending_authorization" },
  // Only when amount and currency match the session: see sessionStatusForInvoice.
  paid: { pay_first: "captured", order_first: "captured" },
  // Terminal at Meum: the merchant decides (accept the shortfall or reject). Order-first keeps the
  // order awaiting so the operator can act on it.
  underpaid: { pay_first: "requires_more", order_first: "pending_authorization" },
  expired: { pay_first: "canceled", order_first: "canceled" },
  cancelled: { pay_first: "canceled", order_first: "canceled" },
  failed: { pay_first: "error", order_first: "error" },
  // Refunded before capture: nothing was captured, so the session is dead. After capture Medusa
  // never asks again (the session is authorized), so this row cannot undo a capture.
  refunded: { pay_first: "canceled", order_first: "canceled" },
  // A status Meum's docs do not list (or none): nothing is authorized and nothing is cancelled.
  // The reconcile path leaves the session as it is and logs the invoice for the merchant.
  unknown: { pay_first: "pending", order_first: "pending" },
} as const satisfies Record<ReadInvoiceStatus, StatusRow>

export const WEBHOOK_EVENT_TABLE = {
  "invoice.created": "not_supported",
  // Reported with the session amount, and only when the re-fetched invoice matches the session.
  "invoice.paid": "captured",
  "invoice.underpaid": "requires_more",
  "invoice.failed": "failed",
  "invoice.expired": "canceled",
  "invoice.cancelled": "canceled",
  // Platform-emitted, never merchant-initiated: recorded, never acted on silently.
  "invoice.refunded": "not_supported",
  "webhook.test": "not_supported",
} as const satisfies Record<WebhookEventType, WebhookAction>

/**
 * What an invoice's status means for reconciliation, in one word. Every other list of statuses in
 * the plugin (open, dead, settled) is derived from this row.
 */
export type InvoicePhase = "open" | "paid" | "underpaid" | "dead" | "refunded" | "unknown"

export const INVOICE_PHASE = {
  pending: "open",
  quoted: "open",
  awaiting_payment: "open",
  paid: "paid",
  // Terminal at Meum (no top-up): the merchant accepts or rejects the shortfall.
  underpaid: "underpaid",
  // Terminal and unpaid: an order-first order waiting on it will never be paid by it.
  expired: "dead",
  cancelled: "dead",
  failed: "dead",
  refunded: "refunded",
  unknown: "unknown",
} as const satisfies Record<ReadInvoiceStatus, InvoicePhase>

export const invoicePhase = (status: ReadInvoiceStatus): InvoicePhase => INVOICE_PHASE[status]

/** Invoices that can still receive a payment. Everything else is terminal at Meum. */
export const OPEN_INVOICE_STATUSES = (Object.keys(INVOICE_PHASE) as ReadInvoiceStatus[]).filter((status) => INVOICE_PHASE[status] === "open") as InvoiceStatus[]
export const isOpenInvoiceStatus = (status: string): boolean => (INVOICE_PHASE as Record<string, InvoicePhase>)[status] === "open"

/**
 * The invoice status an event announces: the invoice read back from Meum must agree before the
 * event is acted on (an event without one — created, refunded, test — is never acted on itself).
 */
export const STATUS_OF_EVENT = {
  "invoice.created": undefined,
  "invoice.paid": "paid",
  "invoice.underpaid": "underpaid",
  "invoice.failed": "failed",
  "invoice.expired": "expired",
  "invoice.cancelled": "cancelled",
  "invoice.refunded": undefined,
  "webhook.test": undefined,
} as const satisfies Record<WebhookEventType, ReadInvoiceStatus | undefined>

/**
 * Session status for an invoice. A paid invoice whose amount or currency differ from what the
 * session asked is never `captured`: it becomes `error` so the merchant has to look at it.
 */
export function sessionStatusForInvoice(
  status: ReadInvoiceStatus,
  mode: CheckoutMode,
  paidAsAsked = true
): SessionStatus {
  if (status === "paid" && !paidAsAsked) {
    return "error"
  }
  return INVOICE_STATUS_TABLE[status][mode]
}

export function webhookActionForEvent(type: WebhookEventType): WebhookAction {
  return WEBHOOK_EVENT_TABLE[type]
}

// ─── 3. Money ───
// Medusa hands providers amounts in MAJOR units as a `BigNumberInput` (number, string,
// `{value, precision}`, bignumber.js, or Medusa's BigNumber); Meum wants a decimal string.
export class InvalidAmountError extends Error {
  constructor(message: string) {
    super(message)
    this.name = "InvalidAmountError"
  }
}

// Intl follows CLDR, which for a few currencies disagrees with the ISO 4217 minor unit that
// payment systems use (e.g. CLDR shows ISK/HUF-style cash rounding). ISO wins for payments.
const ISO_MINOR_UNIT_OVERRIDES: Record<string, number> = {
  ISK: 0,
  UGX: 0,
  IQD: 3,
  IDR: 2,
  HUF: 2,
  TWD: 2,
}

const CURRENCY_CODE = /^[A-Za-z]{3}$/

/** Per currency code: building an Intl.NumberFormat costs more than the rest of an initiatePayment (profiled). */
const precisionOf = new Map<string, number>()

export function currencyPrecision(currencyCode: string): number {
  if (typeof currencyCode !== "string" || !CURRENCY_CODE.test(currencyCode)) {
    throw new InvalidAmountError(`"${String(currencyCode)}" is not a 3-letter ISO 4217 currency code`)
  }
  const code = currencyCode.toUpperCase()
  if (code in ISO_MINOR_UNIT_OVERRIDES) {
    return ISO_MINOR_UNIT_OVERRIDES[code]
  }
  let precision = precisionOf.get(code)
  if (precision === undefined) {
    try {
      precision = new Intl.NumberFormat("en", { style: "currency", currency: code }).resolvedOptions().maximumFractionDigits ?? 2
    } catch {
      precision = 2
    }
    precisionOf.set(code, precision)
  }
  return precision
}

const describe = (value: unknown): string => {
  try {
    return typeof value === "object" || typeof value === "string" ? JSON.stringify(value) : String(value)
  } catch {
    return Object.prototype.toString.call(value)
  }
}

/** A decimal as people and String(number) write it: "20.5", "-1", ".5", "1e+21". */
const DECIMAL_INPUT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i

/**
 * Reads any BigNumberInput shape as a bignumber.js value. A JS number goes through `String(n)`:
 * that is the shortest decimal that round-trips to the same double, i.e. exactly what the
 * caller wrote (0.1 + 0.2 → "0.30000000000000004", 20.5 → "20.5"), with no binary noise added.
 */
function readDecimal(amount: unknown): BigNumber {
  if (amount === null || amount === undefined) {
    throw new InvalidAmountError("an amount is required")
  }
  if (BigNumber.isBigNumber(amount)) {
    return new BigNumber(amount as BigNumber)
  }
  if (typeof amount === "number") {
    return new BigNumber(String(amount))
  }
  if (typeof amount === "bigint") {
    return new BigNumber(amount.toString())
  }
  if (typeof amount === "string") {
    // bignumber.js would also read "0x10" as 16 and "0b11" as 3: only plain decimals pass.
    const text = amount.trim()
    return new BigNumber(DECIMAL_INPUT.test(text) ? text : NaN)
  }
  if (typeof amount === "object") {
    const shaped = amount as { raw?: unknown; bigNumber?: unknown; value?: unknown; numeric?: unknown }
    // Medusa's BigNumber: prefer the exact forms (bigNumber, raw) over `numeric` (a float).
    if (shaped.bigNumber !== undefined && BigNumber.isBigNumber(shaped.bigNumber)) {
      return new BigNumber(shaped.bigNumber as BigNumber)
    }
    if (shaped.raw !== undefined) {
      return readDecimal(shaped.raw)
    }
    // Medusa's raw form: { value: "20.5", precision: 20 }
    if (typeof shaped.value === "string" || typeof shaped.value === "number") {
      return readDecimal(shaped.value)
    }
    if (typeof shaped.numeric === "number") {
      return readDecimal(shaped.numeric)
    }
  }
  throw new InvalidAmountError(`${describe(amount)} is not an amount`)
}

/** A Medusa amount (major units) → Meum decimal string at the currency's precision, half up. */
export function toMeumAmount(amount: unknown, currencyCode: string): string {
  const precision = currencyPrecision(currencyCode)
  const value = readDecimal(amount)
  if (!value.isFinite()) {
    throw new InvalidAmountError(`${describe(amount)} is not a finite number`)
  }
  const rounded = value.decimalPlaces(precision, BigNumber.ROUND_HALF_UP)
  if (rounded.isLessThanOrEqualTo(0)) {
    throw new InvalidAmountError(
      `${describe(amount)} ${currencyCode.toUpperCase()} is not a positive amount at ${precision} decimal places`
    )
  }
  return rounded.toFixed(precision)
}

/** A Meum decimal string → the same amount normalised at the currency's precision. */
export function fromMeumAmount(decimal: string, currencyCode: string): string {
  if (typeof decimal !== "string" || !DECIMAL_STRING.test(decimal)) {
    throw new InvalidAmountError(`${describe(decimal)} is not a Meum decimal amount`)
  }
  const precision = currencyPrecision(currencyCode)
  return new BigNumber(decimal).decimalPlaces(precision, BigNumber.ROUND_HALF_UP).toFixed(precision)
}

/** Equality at the currency's precision ("20.5" equals "20.50" in USD). */
export function meumAmountsEqual(a: string, b: string, currencyCode: string): boolean {
  return fromMeumAmount(a, currencyCode) === fromMeumAmount(b, currencyCode)
}

/** a < b at the currency's precision. */
export function meumAmountLessThan(a: string, b: string, currencyCode: string): boolean {
  return new BigNumber(fromMeumAmount(a, currencyCode)).isLessThan(fromMeumAmount(b, currencyCode))
}

// ─── 4. Whose invoice: external_order_id ───
/*
 * Meum documents that "creating an invoice with the same store_id + external_order_id returns the
 * existing invoice rather than a duplicate" — and does not limit that to open invoices. A cart
 * whose invoice was cancelled (the cart changed) would then get the cancelled invoice back for
 * ever. So only the *first* invoice of an order reference uses it verbatim; later ones use a
 * derived form that stays readable and parseable:
 *
 *   <ref>                      first invoice (the cart id, exactly)
 *   <ref>:<session_id>         the next one, for that payment session
 *   <ref>:<session_id>:<n>     further ones of the same session (n = 2, 3, …)
 *
 * Medusa ids (`cart_01…`, `payses_01…`) never contain ":", so the reference is everything before
 * the first ":" — `orderReferenceOf` reads it back from either form.
 */
export const EXTERNAL_ORDER_ID_SEPARATOR = ":"

/** The order reference (the cart id) an external_order_id was made from. */
export function orderReferenceOf(externalOrderId: string): string {
  const cut = externalOrderId.indexOf(EXTERNAL_ORDER_ID_SEPARATOR)
  return cut < 0 ? externalOrderId : externalOrderId.slice(0, cut)
}

/**
 * The cart an invoice is for: its metadata (written at creation), else its external_order_id in
 * either form (Meum may return an invoice without its metadata, issue 18.7).
 */
export function cartIdOfInvoice(invoice: Invoice): string | undefined {
  const fromMetadata = invoice.metadata?.medusa_cart_id
  if (typeof fromMetadata === "string" && fromMetadata) return fromMetadata
  const reference = invoice.external_order_id ? orderReferenceOf(invoice.external_order_id) : undefined
  return reference?.startsWith("cart_") ? reference : undefined
}

/** The n-th (1-based) external_order_id of a session for an order reference. */
export function externalOrderIdFor(reference: string, sessionId: string, n: number): string {
  if (n <= 1) return reference
  if (n === 2) return `${reference}${EXTERNAL_ORDER_ID_SEPARATOR}${sessionId}`
  return `${reference}${EXTERNAL_ORDER_ID_SEPARATOR}${sessionId}${EXTERNAL_ORDER_ID_SEPARATOR}${n - 1}`
}

/** Position of an external_order_id in the session's sequence, or 0 when it is not the session's. */
function positionOf(reference: string, sessionId: string, externalOrderId: string | undefined): number {
  if (!externalOrderId) return 0
  if (externalOrderId === reference) return 1
  const own = `${reference}${EXTERNAL_ORDER_ID_SEPARATOR}${sessionId}`
  if (externalOrderId === own) return 2
  if (externalOrderId.startsWith(own + EXTERNAL_ORDER_ID_SEPARATOR)) {
    const n = Number(externalOrderId.slice(own.length + 1))
    if (Number.isInteger(n) && n >= 2) return n + 1
  }
  return 0
}

/**
 * The external_order_ids to try, in order, for a new invoice of this session: after the last
 * one the session used (`previous`), or from the plain reference for a new session.
 */
export function externalOrderIdCandidates(reference: string, sessionId: string, previous?: string, count = 3): string[] {
  const start = positionOf(reference, sessionId, previous) + 1
  return Array.from({ length: count }, (_, i) => externalOrderIdFor(reference, sessionId, start + i))
}

// ─── 5. The invoice we asked for, paid as asked ───
// The one place these are decided: the provider, the webhook mapping, reconcile and admin call them.
export interface AskedFor {
  amount: string
  currency: string
  sessionId?: string
}

export const metadataSessionId = (invoice: Invoice): string | undefined => {
  const value = invoice.metadata?.medusa_session_id
  return typeof value === "string" ? value : undefined
}

const sameMoney = (amount: string | null | undefined, currency: string | null | undefined, asked: AskedFor): boolean => {
  if (!amount || !currency || currency.toUpperCase() !== asked.currency.toUpperCase()) return false
  try {
    return meumAmountsEqual(amount, asked.amount, asked.currency)
  } catch {
    return false
  }
}

/**
 * Same amount and currency as we asked for (at the currency's precision): Meum's `amount` and
 * `currency`, or — the docs' "original order total before conversion, if different from
 * amount" — its `order_amount` and `order_currency`.
 */
export function invoiceMatchesAsked(invoice: Invoice, asked: AskedFor): boolean {
  return sameMoney(invoice.amount, invoice.currency, asked) || sameMoney(invoice.order_amount, invoice.order_currency, asked)
}

/**
 * Whether a (re-)fetched invoice may be used for this session: open, and the one we asked for.
 * Meum may hand back an existing invoice for the same external_order_id (documented dedupe).
 */
export function isUsableForSession(invoice: Invoice, asked: AskedFor): boolean {
  return (
    isOpenInvoiceStatus(invoice.status) &&
    invoiceMatchesAsked(invoice, asked) &&
    (asked.sessionId === undefined || metadataSessionId(invoice) === asked.sessionId)
  )
}

/**
 * `paid_amount` is lower than what Meum asked for, *when it can be compared*. Its unit is not
 * documented (it may be the output asset): null or a non-decimal value is not comparable, and
 * then Meum's `paid` verdict stands — it must never block a paid invoice forever.
 */
export function paidAmountShort(invoice: Invoice): boolean {
  if (!invoice.paid_amount) return false
  try {
    return meumAmountLessThan(invoice.paid_amount, invoice.amount, invoice.currency)
  } catch {
    return false
  }
}

/** Paid as asked: Meum says paid, it is the invoice we asked for, and nothing comparable is short. */
export function isPaidAsAsked(invoice: Invoice, asked: AskedFor): boolean {
  return invoice.status === "paid" && invoiceMatchesAsked(invoice, asked) && !paidAmountShort(invoice)
}

/** Amount and currency the session asked for, as recorded in the invoice's metadata at creation. */
export function askedFromMetadata(invoice: Invoice): { amount: string; currency: string } {
  const amount = invoice.metadata?.medusa_amount
  const currency = invoice.metadata?.medusa_currency
  return {
    amount: typeof amount === "string" ? amount : invoice.amount,
    currency: typeof currency === "string" ? currency : invoice.currency,
  }
}
