import { model } from "@medusajs/framework/utils"

/**
 * A count per key and fixed time window, shared by every process of the store through the
 * database: invoice creations per cart (the shared Meum budget), rejected webhook deliveries per
 * reason and minute. One row per key and window, whatever the traffic; `samples` keeps the last
 * few facts worth showing an operator (never a secret, a signature or a body).
 */
export const MeumCounter = model
  .define("meum_counter", {
    id: model.id({ prefix: "mcnt" }).primaryKey(),
    key: model.text(),
    window_start: model.dateTime(),
    count: model.number().default(0),
    samples: model.json().nullable(),
  })
  .indexes([
    { on: ["key", "window_start"], unique: true },
    { on: ["window_start"] },
  ])
