import { model } from "@medusajs/framework/utils"
import { LEDGER_STATES } from "../decide"

/**
 * What the plugin knows about one Meum invoice. Written only by the server (webhook route, job,
 * admin actions) — never from payment-session data, which the storefront can write.
 */
export const MeumInvoice = model
  .define("meum_invoice", {
    id: model.id({ prefix: "mledg" }).primaryKey(),
    invoice_id: model.text(),
    /** The payment provider registration (pp_meum_<id>). */
    provider_id: model.text(),
    payment_session_id: model.text().nullable(),
    cart_id: model.text().nullable(),
    payment_collection_id: model.text().nullable(),
    external_order_id: model.text().nullable(),
    /** What the store asked for, as Meum decimal string and ISO code. */
    amount: model.text().nullable(),
    currency_code: model.text().nullable(),
    /** Meum's status as last seen (raw, unknown ones included). */
    meum_status: model.text().nullable(),
    state: model.enum([...LEDGER_STATES]).default("open"),
    attention_reason: model.text().nullable(),
    order_id: model.text().nullable(),
    decision: model.text().nullable(),
    decided_by: model.text().nullable(),
    decided_at: model.dateTime().nullable(),
    attempts: model.number().default(0),
    last_error: model.text().nullable(),
    last_checked_at: model.dateTime().nullable(),
    next_check_at: model.dateTime().nullable(),
    /** Meum's transactions of the invoice (payment_origin, settlement, refund) as last read, and when. */
    transactions: model.json().nullable(),
    transactions_read_at: model.dateTime().nullable(),
    /** The merchant's note on an accept/reject decision. */
    decision_note: model.text().nullable(),
  })
  .indexes([
    { on: ["invoice_id"], unique: true },
    { on: ["next_check_at"] },
    { on: ["payment_session_id"] },
    { on: ["cart_id"] },
    { on: ["state"] },
  ])
