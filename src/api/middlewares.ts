import { defineMiddlewares } from "@medusajs/framework/http"
import { guardMeumPaymentSession } from "./middlewares/guard-meum-session"
import { resolveCartReference } from "./middlewares/resolve-cart-reference"
import { recordCreatedInvoice } from "./middlewares/record-created-invoice"

export default defineMiddlewares({
  routes: [
    {
      // The plugin's webhook route reads the exact bytes itself (hooks/meum/route.ts): nothing
      // is parsed before the signature is checked.
      method: ["POST"],
      matcher: "/hooks/meum",
      bodyParser: false,
    },
    {
      // The per-registration webhook URL (/hooks/meum/meum_second): the same raw body.
      method: ["POST"],
      matcher: "/hooks/meum/:registration",
      bodyParser: false,
    },
    {
      method: ["POST"],
      matcher: "/store/payment-collections/:id/payment-sessions",
      // The guard answers (refuses, or reuses the payable invoice) before anything reaches Meum.
      // …and once it has answered, the new invoice goes into the ledger with what was asked.
      middlewares: [guardMeumPaymentSession, resolveCartReference, recordCreatedInvoice],
    },
  ],
})
