/**
 * The meum-checkout suite again, against a sandbox answering with another documented reading of
 * Meum: create dedupe of open invoices only. The default run uses the strictest reading (see meum-sandbox-env.ts).
 */
process.env.MEUM_SANDBOX_DEDUPE = "open"
require("../meum-checkout.spec")
