import { model } from "@medusajs/framework/utils"

/**
 * Every webhook delivery the plugin's route received. The event id is unique: the durable dedupe
 * that every process of the store shares. Pruned after a retention period (service.prune).
 */
export const MeumWebhookEvent = model
  .define("meum_webhook_event", {
    id: model.id({ prefix: "mwhev" }).primaryKey(),
    /** Meum's event id; "unsigned:<random>" for deliveries whose signature did not verify. */
    event_id: model.text(),
    event_type: model.text().nullable(),
    invoice_id: model.text().nullable(),
    provider_id: model.text().nullable(),
    /** ok, bad_signature, stale_timestamp, malformed_body, … */
    verdict: model.text(),
    /** processing, captured, updated, ignored, failed, … */
    outcome: model.text().nullable(),
    http_status: model.number().nullable(),
    deliveries: model.number().default(1),
  })
  .indexes([{ on: ["event_id"], unique: true }, { on: ["invoice_id"] }, { on: ["created_at"] }])
