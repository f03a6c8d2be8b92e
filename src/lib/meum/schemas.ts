/**
 * zod schemas for everything Meum sends us (API responses, error bodies, webhook envelopes) and
 * for what we send it. Strict on the fields the plugin relies on, lenient on the rest: objects
 * are `looseObject` so unknown fields survive a parse, and ids are opaque strings (Meum's docs
 * disagree on their shape: `inv_` + 32 hex vs UUIDs — see meum-api.md C4). The invoice object and
 * its statuses are in ./invoice.ts, with everything else an invoice says.
 */
import { z } from "zod"
import { decimalStringSchema, invoiceSchema, invoiceStatusSchema, isKnownInvoiceStatus, nullableString } from "./invoice"

/** Every webhook event type Meum documents (meum-api.md §11.2), `invoice.refunded` included. */
export const WEBHOOK_EVENT_TYPES = [
  "invoice.created",
  "invoice.paid",
  "invoice.underpaid",
  "invoice.failed",
  "invoice.expired",
  "invoice.cancelled",
  "invoice.refunded",
  "webhook.test",
] as const
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number]

/**
 * `GET /v1/invoices/{id}/status` has no published response schema (only `swap_status`,
 * `tx_hash`, `deposit_address`, `deposit_memo` are named). Any JSON is accepted; a documented
 * invoice status found in a `status` field is the only thing read from it.
 */
export const invoiceStatusResponseSchema = z.unknown().transform((body) => {
  const record = body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {}
  return { status: isKnownInvoiceStatus(record.status) ? record.status : undefined, body: record }
})
export type InvoiceStatusResponse = z.output<typeof invoiceStatusResponseSchema>

/** Stripe-style cursor page (meum-api.md §5). */
export const invoicePageSchema = z.looseObject({
  data: z.array(invoiceSchema),
  has_more: z.boolean(),
  next_cursor: z.string().nullable().optional(),
})
export type InvoicePage = z.output<typeof invoicePageSchema>

export const createInvoiceInputSchema = z.object({
  amount: decimalStringSchema,
  currency: z.string().regex(/^[A-Z]{3}$/, "must be an upper-case ISO 4217 code"),
  external_order_id: z.string().min(1).max(255).optional(),
  return_url: z.url().optional(),
  callback_url: z.url().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
})
export type CreateInvoiceInput = z.infer<typeof createInvoiceInputSchema>

export const listInvoicesQuerySchema = z.object({
  limit: z.number().int().min(1).max(100).optional(),
  starting_after: z.string().min(1).optional(),
  ending_before: z.string().min(1).optional(),
  status: invoiceStatusSchema.optional(),
  external_order_id: z.string().min(1).optional(),
})
export type ListInvoicesQuery = z.infer<typeof listInvoicesQuerySchema>

/** Meum has two error body shapes (meum-api.md §6): structured and the legacy string. */
export const structuredErrorBodySchema = z.looseObject({
  error: z.looseObject({
    type: z.string().optional(),
    code: z.string().optional(),
    message: z.string().optional(),
  }),
})
export const legacyErrorBodySchema = z.looseObject({ error: z.string() })
export const errorBodySchema = z.union([structuredErrorBodySchema, legacyErrorBodySchema])

/**
 * The webhook envelope (meum-api.md §11.5): camelCase envelope, snake_case `data`. `data` is
 * lenient because `webhook.test` carries only a message and per-event variants are undocumented.
 */
export const webhookEventDataSchema = z.looseObject({
  invoice_id: z.string().min(1).optional(),
  integration_id: nullableString,
  external_order_id: nullableString,
  // Read leniently: a signed event must never be refused for a status or amount shape the
  // docs do not promise (the route re-fetches the invoice and acts on that, not on this).
  status: nullableString,
  amount: nullableString,
  paid_amount: nullableString,
  expected_amount: nullableString,
  received_amount: nullableString,
  difference_amount: z.string().nullable().optional(),
  currency: nullableString,
  output_asset: nullableString,
  tx_hash: nullableString,
  paid_at: nullableString,
  payment_url: nullableString,
})

export const webhookEventSchema = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
  createdAt: nullableString,
  organizationId: nullableString,
  storeId: nullableString,
  storePublicId: nullableString,
  data: webhookEventDataSchema,
})
export type WebhookEvent = z.infer<typeof webhookEventSchema>

export const isKnownWebhookEventType = (type: string): type is WebhookEventType =>
  (WEBHOOK_EVENT_TYPES as readonly string[]).includes(type)

/**
 * `POST /v1/webhook-endpoints` (meum-api.md §8.4). `events` omitted: Meum's default subscriptions
 * (CONFLICT C13 says which those are is unclear, so the plugin's setup sends its own list).
 */
export const createWebhookEndpointInputSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  name: z.string().min(1).optional(),
  events: z.array(z.string().min(1)).min(1).optional(),
})
export type CreateWebhookEndpointInput = z.infer<typeof createWebhookEndpointInputSchema>

/** The create answer: the only time Meum shows the signing secret. */
export const createdWebhookEndpointSchema = z.looseObject({
  id: z.string().min(1),
  secret: z.string().min(1),
  name: nullableString,
  url: nullableString,
  secret_prefix: nullableString,
  events: z.array(z.string()).nullable().optional(),
  message: nullableString,
})
export type CreatedWebhookEndpoint = z.infer<typeof createdWebhookEndpointSchema>

/**
 * One delivery attempt of `GET /v1/webhook-endpoints/{id}/deliveries`: `id`, `event_id`,
 * `attempt_number`, `status_code`, `attempted_at` are documented; `event_type` is not (the
 * sandbox adds it), so it is optional. `status_code` may be null (no answer) though documented int.
 */
export const webhookDeliveryAttemptSchema = z.looseObject({
  id: z.string().min(1),
  event_id: nullableString,
  event_type: nullableString,
  attempt_number: z.number().int().nullable().optional(),
  status_code: z.number().int().nullable().optional(),
  attempted_at: nullableString,
})
export type WebhookDeliveryAttempt = z.infer<typeof webhookDeliveryAttemptSchema>

export const webhookDeliveriesPageSchema = z.looseObject({ data: z.array(webhookDeliveryAttemptSchema) })
export type WebhookDeliveriesPage = z.infer<typeof webhookDeliveriesPageSchema>

export const listWebhookDeliveriesQuerySchema = z.object({
  limit: z.number().int().min(1).max(100).optional(),
  starting_after: z.string().min(1).optional(),
})
export type ListWebhookDeliveriesQuery = z.infer<typeof listWebhookDeliveriesQuerySchema>

/** `POST /v1/webhook-endpoints/{id}/test` ("Test event queued"). */
export const testWebhookResultSchema = z.looseObject({
  ok: z.boolean(),
  event_id: z.string().min(1),
  event_type: z.string().min(1),
})
export type TestWebhookResult = z.infer<typeof testWebhookResultSchema>

/**
 * One on-chain movement (meum-api.md §8.3 PublicTransaction): `type` is `payment_origin` (what the
 * shopper sent), `settlement` (paid out to the merchant) or `refund`; `network`, `token`, `amount`
 * are nullable ("null if not on-chain"). Read leniently: only `id` is required, a type or status
 * Meum adds later is kept as sent, and unknown fields survive.
 */
export const transactionSchema = z.looseObject({
  id: z.string().min(1),
  invoice_id: nullableString,
  type: nullableString,
  network: nullableString,
  token: nullableString,
  amount: nullableString,
  transaction_hash: nullableString,
  from_wallet: nullableString,
  to_wallet: nullableString,
  confirmations: z.number().int().nullable().optional(),
  status: nullableString,
  verified: z.boolean().nullable().optional(),
  confirmed_at: nullableString,
  created_at: nullableString,
  updated_at: nullableString,
})
export type Transaction = z.infer<typeof transactionSchema>

/** `GET /v1/invoices/{id}/transactions`: `{data}`, not paginated. */
export const invoiceTransactionsSchema = z.looseObject({ data: z.array(transactionSchema) })
export type InvoiceTransactions = z.infer<typeof invoiceTransactionsSchema>

/** `GET /v1/transactions`: the cursor page (meum-api.md §5). */
export const transactionPageSchema = z.looseObject({
  data: z.array(transactionSchema),
  has_more: z.boolean(),
  next_cursor: z.string().nullable().optional(),
})
export type TransactionPage = z.infer<typeof transactionPageSchema>

export const listTransactionsQuerySchema = z.object({
  limit: z.number().int().min(1).max(100).optional(),
  starting_after: z.string().min(1).optional(),
  ending_before: z.string().min(1).optional(),
  invoice_id: z.string().min(1).optional(),
  type: z.string().min(1).optional(),
  status: z.string().min(1).optional(),
})
export type ListTransactionsQuery = z.infer<typeof listTransactionsQuerySchema>
