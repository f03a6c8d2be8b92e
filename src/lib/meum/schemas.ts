/**
 * zod schemas for everything Meum sends us (API responses, error bodies, webhook envelopes) and
 * for what we send it. Strict on the fields the plugin relies on, lenient on the rest: objects
 * are `looseObject` so unknown fields survive a parse, and ids are opaque strings (Meum's docs
 * disagree on their shape: `inv_` + 32 hex vs UUIDs — see meum-api.md C4).
 */
import { z } from "zod"

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

/** Invoices that can still receive a payment. Everything else is terminal at Meum. */
export const OPEN_INVOICE_STATUSES: readonly InvoiceStatus[] = ["pending", "quoted", "awaiting_payment"]
export const isOpenInvoiceStatus = (status: InvoiceStatus): boolean =>
  OPEN_INVOICE_STATUSES.includes(status)

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

/** A decimal money string as Meum writes it: "100.00", "5", "0.125". No sign, no exponent. */
export const decimalStringSchema = z
  .string()
  .regex(/^\d+(\.\d+)?$/, "must be a decimal string such as \"10.00\"")

const nullableString = z.string().nullable().optional()

export const invoiceSchema = z.looseObject({
  id: z.string().min(1),
  status: invoiceStatusSchema,
  amount: decimalStringSchema,
  currency: z.string().min(1),
  checkout_url: z.string().min(1),
  expires_at: nullableString,
  external_order_id: nullableString,
  return_url: nullableString,
  paid_amount: decimalStringSchema.nullable().optional(),
  output_asset: nullableString,
  transaction_hash: nullableString,
  paid_at: nullableString,
  created_at: nullableString,
  updated_at: nullableString,
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
})
export type Invoice = z.infer<typeof invoiceSchema>

/** `GET /v1/invoices/{id}/status`: only a few fields are documented; `status` is assumed (C17). */
export const invoiceStatusResponseSchema = z.looseObject({
  status: invoiceStatusSchema.optional(),
  swap_status: nullableString,
  tx_hash: nullableString,
  deposit_address: nullableString,
  deposit_memo: nullableString,
  paid_amount: decimalStringSchema.nullable().optional(),
})
export type InvoiceStatusResponse = z.infer<typeof invoiceStatusResponseSchema>

/** Stripe-style cursor page (meum-api.md §5). */
export const invoicePageSchema = z.looseObject({
  data: z.array(invoiceSchema),
  has_more: z.boolean(),
  next_cursor: z.string().nullable(),
})
export type InvoicePage = z.infer<typeof invoicePageSchema>

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
  status: invoiceStatusSchema.optional(),
  amount: decimalStringSchema.optional(),
  paid_amount: decimalStringSchema.nullable().optional(),
  expected_amount: decimalStringSchema.nullable().optional(),
  received_amount: decimalStringSchema.nullable().optional(),
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
