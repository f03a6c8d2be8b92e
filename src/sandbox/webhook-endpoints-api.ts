/**
 * The sandbox's developer-managed webhook endpoints (meum-api.md §8.4), behind the /v1 API key:
 *   POST /v1/webhook-endpoints                 {url, name?, events?} → 201 {id, name, url, secret,
 *                                              secret_prefix, events, message}: the secret is in this
 *                                              answer only, never in a later one
 *   GET  /v1/webhook-endpoints/{id}/deliveries ?limit (1–100, 20)&starting_after=whd_… → {data: [{id,
 *                                              event_id, event_type, attempt_number, status_code,
 *                                              attempted_at}]}, newest first
 *   POST /v1/webhook-endpoints/{id}/test       → 200 {ok, event_id, event_type}; a signed `webhook.test`
 *                                              goes to that endpoint; 5 per minute per endpoint, then 429
 * Where the docs are silent (create status, rate, order, `event_type`) the choice is in
 * docs/meum-api-and-sandbox.md.
 */
import express, { type Router } from "express"
import { z } from "zod"
import { sendError } from "./http-api"
import { PREFIXED_ID_PATTERN } from "./ids"
import type { RateLimit, SlidingWindowRateLimiter } from "./rate-limiter"
import type { Delivery, WebhookSender } from "./webhook-sender"

/** Meum says the test is "rate limited" without a number: 5 per 60 s per endpoint here. */
export const TEST_WEBHOOK_RATE_LIMIT: RateLimit = { max: 5, windowMs: 60_000 }

const SECRET_SHOWN_ONCE = "Save this secret now. It will not be shown again."

const createSchema = z.strictObject({
  // "HTTPS URL accepting POST": the sandbox also takes http, it runs next to a local store.
  url: z.url({ protocol: /^https?$/ }),
  name: z.string().min(1).max(200).optional(),
  events: z.array(z.string().min(1).max(100)).min(1).max(50).optional(),
})

const deliveriesQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: z.string().regex(PREFIXED_ID_PATTERN, "must be a delivery id").optional(),
})

const issuesText = (error: z.ZodError) =>
  error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ")

/** A delivery as the deliveries endpoint lists it: the documented fields plus the event type. */
const listedDelivery = (delivery: Delivery) => ({
  id: delivery.id,
  event_id: delivery.event_id,
  event_type: delivery.event_type,
  attempt_number: delivery.attempt_number,
  status_code: delivery.status_code,
  attempted_at: delivery.attempted_at,
})

export function createWebhookEndpointsRouter(webhooks: WebhookSender, testLimiter: SlidingWindowRateLimiter): Router {
  const router = express.Router()
  const notFound = (res: express.Response) => sendError(res, 404, "invalid_request_error", "resource_missing", "Webhook endpoint not found")

  router.post("/v1/webhook-endpoints", (req, res) => {
    const parsed = createSchema.safeParse(req.body ?? {})
    if (!parsed.success) return sendError(res, 400, "invalid_request_error", "validation_error", issuesText(parsed.error))
    const endpoint = webhooks.createEndpoint(parsed.data)
    res.status(201).json({
      id: endpoint.id,
      name: endpoint.name,
      url: endpoint.url,
      secret: endpoint.secret,
      secret_prefix: endpoint.secret.slice(0, 8),
      events: endpoint.events,
      message: SECRET_SHOWN_ONCE,
    })
  })

  router.get("/v1/webhook-endpoints/:id/deliveries", (req, res) => {
    if (!webhooks.endpoint(req.params.id)) return notFound(res)
    const parsed = deliveriesQuerySchema.safeParse(req.query)
    if (!parsed.success) return sendError(res, 400, "invalid_request_error", "validation_error", issuesText(parsed.error))
    const newestFirst = webhooks
      .deliveries()
      .filter((delivery) => delivery.endpoint_id === req.params.id)
      .reverse()
    const after = parsed.data.starting_after ? newestFirst.findIndex((delivery) => delivery.id === parsed.data.starting_after) + 1 : 0
    res.json({ data: newestFirst.slice(after, after + parsed.data.limit).map(listedDelivery) })
  })

  router.post("/v1/webhook-endpoints/:id/test", (req, res) => {
    if (!webhooks.endpoint(req.params.id)) return notFound(res)
    const retryAfterMs = testLimiter.take(req.params.id)
    if (retryAfterMs !== undefined) {
      res.setHeader("Retry-After", String(Math.max(1, Math.ceil(retryAfterMs / 1000))))
      res.status(429).json({ error: "Too many requests" })
      return
    }
    const sent = webhooks.sendTest(req.params.id)
    if (!sent) return notFound(res)
    res.json({ ok: true, event_id: sent.id, event_type: sent.type })
  })

  return router
}
