// The admin's client for the backend: Medusa's JS SDK with the dashboard's own settings (the
// backend URL and auth type are globals the admin bundler defines for plugins), so the pages work
// when the admin is hosted apart from the backend.
import Medusa from "@medusajs/js-sdk"

export const sdk = new Medusa({
  baseUrl: typeof __BACKEND_URL__ !== "undefined" && __BACKEND_URL__ ? __BACKEND_URL__ : "/",
  auth: {
    type: typeof __AUTH_TYPE__ !== "undefined" && __AUTH_TYPE__ === "jwt" ? "jwt" : "session",
    ...(typeof __JWT_TOKEN_STORAGE_KEY__ !== "undefined" && __JWT_TOKEN_STORAGE_KEY__ ? { jwtTokenStorageKey: __JWT_TOKEN_STORAGE_KEY__ } : {}),
  },
})
