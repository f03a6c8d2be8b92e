/**
 * The meum-checkout suite again, against a sandbox answering with another documented reading of
 * Meum: 409 on a create that repeats an external_order_id. The default run uses the strictest reading (see meum-sandbox-env.ts).
 */
process.env.MEUM_SANDBOX_DEDUPE = "conflict"
require("../meum-checkout.spec")
