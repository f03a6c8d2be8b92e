/**
 * The sandbox's control API for tests and CI (documented in README): simulate payments, set
 * faults, read and change the behaviour switches (settings.ts), list webhook deliveries, add
 * webhook endpoints, reset.
 */
import express, { type Router } from "express"
import { z } from "zod"
import { decimalStringSchema } from "../lib/meum/invoice"
import { faultsPatchSchema, type FaultSwitches } from "./fault-switches"
import { SandboxStateError, type InvoiceStore } from "./invoice-store"
import { sendError } from "./http-api"
import type { WebhookSender } from "./webhook-sender"
import { settingsPatchSchema, type SandboxSettings } from "./settings"

const simulateSchema = z.strictObject({
  outcome: z.enum(["paid", "underpaid", "failed", "expired", "paid_late", "underpaid_late", "refunded"]),
  paid_amount: decimalStringSchema.optional(),
})
const endpointSchema = z.strictObject({ url: z.url({ protocol: /^https?$/ }) })

export function createControlRouter(
  store: InvoiceStore,
  faults: FaultSwitches,
  webhooks: WebhookSender,
  reset: () => void,
  settings: SandboxSettings
): Router {
  const router = express.Router()
  router.use("/sandbox", express.json({ limit: "20kb" }))

  router.post("/sandbox/invoices/:id/simulate", (req, res) => {
    const parsed = simulateSchema.safeParse(req.body ?? {})
    if (!parsed.success) return sendError(res, 400, "invalid_request_error", "validation_error", parsed.error.message)
    try {
      res.json(store.simulate(req.params.id, parsed.data.outcome, parsed.data.paid_amount))
    } catch (error) {
      if (error instanceof SandboxStateError) return sendError(res, error.httpStatus, "invalid_request_error", error.code, error.message)
      throw error
    }
  })

  router.get("/sandbox/faults", (_req, res) => {
    res.json(faults.get())
  })
  router.post("/sandbox/faults", (req, res) => {
    const parsed = faultsPatchSchema.strict().safeParse(req.body ?? {})
    if (!parsed.success) return sendError(res, 400, "invalid_request_error", "validation_error", parsed.error.message)
    res.json(faults.set(parsed.data))
  })
  router.delete("/sandbox/faults", (_req, res) => {
    res.json(faults.reset())
  })

  // Behaviour switches: GET reads them all, POST applies a partial object of the same keys
  // (e.g. {"dedupe":"open","idStyle":"inv"}; legacy {"dedupeByExternalOrderId":false} too).
  router.get("/sandbox/settings", (_req, res) => {
    res.json(settings.toJSON())
  })
  router.post("/sandbox/settings", (req, res) => {
    const parsed = settingsPatchSchema.safeParse(req.body ?? {})
    if (!parsed.success) return sendError(res, 400, "invalid_request_error", "validation_error", parsed.error.message)
    res.json(settings.patch(parsed.data))
  })

  router.get("/sandbox/deliveries", (_req, res) => {
    res.json({ data: webhooks.deliveries() })
  })

  router.post("/sandbox/webhook-endpoints", (req, res) => {
    const parsed = endpointSchema.safeParse(req.body ?? {})
    if (!parsed.success) return sendError(res, 400, "invalid_request_error", "validation_error", parsed.error.message)
    webhooks.addEndpoint({ url: parsed.data.url })
    res.status(201).json({ endpoints: webhooks.endpointList().map((endpoint) => endpoint.url) })
  })

  router.post("/sandbox/reset", (_req, res) => {
    reset()
    res.json({ reset: true })
  })
  return router
}
