/**
 * The meum-reliability suite again, against a sandbox answering with another documented reading of
 * Meum: ids of the API reference (inv_…) instead of the landing page's UUIDs. The default run uses the strictest reading (see meum-sandbox-env.ts).
 */
process.env.MEUM_SANDBOX_ID_STYLE = "inv"
require("../meum-reliability.spec")
