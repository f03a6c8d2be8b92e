/**
 * The meum-checkout suite again, against a sandbox answering with another documented reading of
 * Meum: no create dedupe at all. The default run uses the strictest reading (see meum-sandbox-env.ts).
 */
process.env.MEUM_SANDBOX_DEDUPE = "off"
require("../meum-checkout.spec")
