import { defineMiddlewares } from "@medusajs/framework/http"
import { guardMeumPaymentSession } from "./middlewares/guard-meum-session"
import { resolveCartReference } from "./middlewares/resolve-cart-reference"

export default defineMiddlewares({
  routes: [
    {
      // The plugin's webhook route verifies the signature over the exact bytes received.
      method: ["POST"],
      matcher: "/hooks/meum",
      bodyParser: { preserveRawBody: true, sizeLimit: "256kb" },
    },
    {
      // The per-registration webhook URL (/hooks/meum/meum_second): the same raw body.
      method: ["POST"],
      matcher: "/hooks/meum/:registration",
      bodyParser: { preserveRawBody: true, sizeLimit: "256kb" },
    },
    {
      method: ["POST"],
      matcher: "/store/payment-collections/:id/payment-sessions",
      // The guard answers (refuses, or reuses the payable invoice) before anything reaches Meum.
      middlewares: [guardMeumPaymentSession, resolveCartReference],
    },
  ],
})
