import { defineMiddlewares } from "@medusajs/framework/http"
import { resolveCartReference } from "./middlewares/resolve-cart-reference"

export default defineMiddlewares({
  routes: [
    {
      method: ["POST"],
      matcher: "/store/payment-collections/:id/payment-sessions",
      middlewares: [resolveCartReference],
    },
  ],
})
