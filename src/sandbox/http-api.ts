/**
 * The sandbox's /v1 merchant API and /health, with Meum's paths, fields, status codes and both
 * error body shapes (meum-api.md §6, §8.2). Where the docs allow several behaviours the
 * settings (settings.ts) choose; their defaults are the least convenient for a client.
 */
import express, { type NextFunction, type Request, type Response, type Router } from "express"
import { z } from "zod"
import { decimalStringSchema, invoiceStatusSchema, isOpenInvoiceStatus } from "../lib/meum/invoice"
import type { FaultSwitches } from "./fault-switches"
import { SandboxStateError, type InvoiceStore, type SandboxInvoice } from "./invoice-store"
import type { SlidingWindowRateLimiter } from "./rate-limiter"
import { PREFIXED_ID_PATTERN, UUID_PATTERN } from "./ids"
import type { SandboxSettingsValues } from "./settings"

export interface ApiSettings {
  apiKeys: () => readonly string[]
  /** The current switches (read on every request: they change at run time). */
  settings: () => Readonly<SandboxSettingsValues>
}

type ErrorType = "authentication_error" | "invalid_request_error" | "api_error" | "permission_error"

export function sendError(res: Response, status: number, type: ErrorType, code: string, message: string): void {
  res.status(status).json({ error: { type, code, message } })
}

const createBodySchema = z.strictObject({
  amount: decimalStringSchema.refine((value) => Number(value) > 0, "must be greater than zero"),
  currency: z.string().regex(/^[A-Za-z]{3}$/, "must be a 3-letter ISO currency code"),
  external_order_id: z.string().min(1).max(255).optional(),
  return_url: z.url().optional(),
  callback_url: z.url().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
})

// The documented prefixed pattern, plus the landing page's UUIDs (the sandbox's default ids).
const cursorSchema = z
  .string()
  .refine((value) => PREFIXED_ID_PATTERN.test(value) || UUID_PATTERN.test(value), "must be an invoice id")
const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: cursorSchema.optional(),
  ending_before: cursorSchema.optional(),
  status: invoiceStatusSchema.optional(),
  external_order_id: z.string().min(1).optional(),
})

const issuesText = (error: z.ZodError) =>
  error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ")

type Representation = Pick<SandboxSettingsValues, "closedCheckoutUrl">

/** The checkout URL as the API shows it: null once the invoice is no longer payable (default). */
export function visibleCheckoutUrl(invoice: SandboxInvoice, settings: Representation): string | null {
  return settings.closedCheckoutUrl === "null" && !isOpenInvoiceStatus(invoice.status) ? null : invoice.checkout_url
}

/**
 * The API reference's invoice object (returned by get, list and cancel; and by create when
 * `createResponse` is "full"): exactly its fields, in its order; never the internal callback_url.
 */
export function publicInvoice(invoice: SandboxInvoice, settings: Representation) {
  return {
    id: invoice.id,
    external_order_id: invoice.external_order_id,
    status: invoice.status,
    amount: invoice.amount,
    currency: invoice.currency,
    order_amount: invoice.order_amount,
    order_currency: invoice.order_currency,
    paid_amount: invoice.paid_amount,
    output_asset: invoice.output_asset,
    checkout_url: visibleCheckoutUrl(invoice, settings),
    return_url: invoice.return_url,
    customer_id: invoice.customer_id,
    payment_link_id: invoice.payment_link_id,
    transaction_hash: invoice.transaction_hash,
    metadata: invoice.metadata,
    created_at: invoice.created_at,
    updated_at: invoice.updated_at,
    paid_at: invoice.paid_at,
    expires_at: invoice.expires_at,
  }
}

/** The developers landing page's create response: these nine fields and nothing else. */
export function landingCreateResponse(invoice: SandboxInvoice, settings: Representation) {
  const url = visibleCheckoutUrl(invoice, settings)
  return {
    id: invoice.id,
    invoiceId: invoice.id,
    status: invoice.status,
    checkout_url: url,
    payment_url: url,
    amount: invoice.amount,
    currency: invoice.currency,
    output_asset: invoice.output_asset,
    expires_at: invoice.expires_at,
  }
}

function createAnswer(invoice: SandboxInvoice, settings: SandboxSettingsValues) {
  return settings.createResponse === "full" ? publicInvoice(invoice, settings) : landingCreateResponse(invoice, settings)
}

export function createApiRouter(
  store: InvoiceStore,
  faults: FaultSwitches,
  rateLimiter: SlidingWindowRateLimiter,
  settings: ApiSettings,
  /** More /v1 routes, behind the same faults and API key check (the webhook endpoints). */
  moreRoutes?: Router
): Router {
  const router = express.Router()

  router.get("/health", (_req, res) => {
    res.json({ status: "ok", sandbox: true })
  })

  // Read the body first: a create that reached "Meum" whole is processed even when the client
  // gave up waiting (that is exactly the ambiguous case the provider must recover from).
  router.use("/v1", express.json({ limit: "100kb" }))

  // Fault injection applies to the merchant API only.
  router.use("/v1", async (_req: Request, res: Response, next: NextFunction) => {
    const current = faults.get()
    if (faults.chance(current.api_hang_rate)) {
      return // never answered: the client's timeout is the only way out
    }
    if (current.api_latency_ms > 0) {
      await new Promise((resolve) => setTimeout(resolve, current.api_latency_ms))
    }
    if (faults.chance(current.api_error_rate)) {
      return sendError(res, 503, "api_error", "sandbox_injected_fault", "Injected fault: service unavailable")
    }
    next()
  })

  router.use("/v1", (req: Request, res: Response, next: NextFunction) => {
    const header = req.header("authorization") ?? ""
    const key = header.startsWith("Bearer ") ? header.slice(7).trim() : ""
    if (!key || !settings.apiKeys().includes(key)) {
      return sendError(res, 401, "authentication_error", "invalid_api_key", "Missing or invalid API key")
    }
    next()
  })

  router.post("/v1/invoices", (req, res) => {
    const retryAfterMs = rateLimiter.take(req.ip ?? "unknown")
    if (retryAfterMs !== undefined) {
      res.setHeader("Retry-After", String(Math.max(1, Math.ceil(retryAfterMs / 1000))))
      res.status(429).json({ error: "Too many requests" })
      return
    }
    const parsed = createBodySchema.safeParse(req.body ?? {})
    if (!parsed.success) {
      return sendError(res, 400, "invalid_request_error", "validation_error", issuesText(parsed.error))
    }
    const current = settings.settings()
    if (!current.payoutWalletConfigured) {
      return sendError(res, 400, "invalid_request_error", "payout_wallet_not_configured", "The store payout wallet is not configured")
    }
    const input = parsed.data
    if (input.external_order_id && current.dedupe !== "off") {
      const existing =
        current.dedupe === "open"
          ? store.findOpenByExternalOrderId(input.external_order_id)
          : store.findByExternalOrderId(input.external_order_id)
      if (existing && current.dedupe === "conflict") {
        return sendError(
          res,
          409,
          "invalid_request_error",
          "duplicate_external_order_id",
          "An invoice with this external_order_id already exists"
        )
      }
      if (existing) {
        res.status(200).json(createAnswer(existing, current))
        return
      }
    }
    res.status(201).json(createAnswer(store.create({ ...input, currency: input.currency.toUpperCase() }), current))
  })

  /** Fault strip_metadata: the answer as if Meum had dropped the metadata it was given. */
  const withoutMetadataIfFaulted = <T extends object>(answer: T): T =>
    faults.get().strip_metadata ? ({ ...answer, metadata: null } as T) : answer

  router.get("/v1/invoices", (req, res) => {
    const parsed = listQuerySchema.safeParse(req.query)
    if (!parsed.success) {
      return sendError(res, 400, "invalid_request_error", "validation_error", issuesText(parsed.error))
    }
    const { data, hasMore } = store.page(parsed.data)
    const current = settings.settings()
    res.json({
      data: data.map((invoice) => withoutMetadataIfFaulted(publicInvoice(invoice, current))),
      has_more: hasMore,
      next_cursor: hasMore && data.length ? data[data.length - 1].id : null,
    })
  })

  router.get("/v1/invoices/:id", (req, res) => {
    const invoice = store.get(req.params.id)
    if (!invoice) return sendError(res, 404, "invalid_request_error", "resource_missing", "Invoice not found")
    res.json(withoutMetadataIfFaulted(publicInvoice(invoice, settings.settings())))
  })

  router.get("/v1/invoices/:id/status", (req, res) => {
    const invoice = store.get(req.params.id)
    if (!invoice) return sendError(res, 404, "invalid_request_error", "resource_missing", "Invoice not found")
    const documented = {
      swap_status: invoice.status === "paid" ? "completed" : null,
      tx_hash: invoice.transaction_hash,
      deposit_address: isOpenInvoiceStatus(invoice.status) ? "0x5a4d0b00b5a4d0b00b5a4d0b00b5a4d0b00b5a4d" : null,
      deposit_memo: null,
    }
    // "minimal" (default): only the fields the docs name; "full" adds id, status and paid_amount.
    if (settings.settings().statusBody === "minimal") {
      res.json(documented)
      return
    }
    res.json({ id: invoice.id, status: invoice.status, ...documented, paid_amount: invoice.paid_amount })
  })

  router.post("/v1/invoices/:id/cancel", (req, res) => {
    if (faults.get().cancel_refused_invoice_ids.includes(req.params.id)) {
      return sendError(res, 503, "api_error", "sandbox_injected_fault", "Injected fault: this invoice cannot be cancelled right now")
    }
    try {
      res.json(publicInvoice(store.cancel(req.params.id), settings.settings()))
    } catch (error) {
      if (error instanceof SandboxStateError) {
        return sendError(res, error.httpStatus, "invalid_request_error", error.code, error.message)
      }
      throw error
    }
  })

  if (moreRoutes) router.use(moreRoutes)
  return router
}
