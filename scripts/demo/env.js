// The env of the demo's Medusa processes. A merchant pointing their own storefront at the demo
// lists its origin(s) in DEMO_STOREFRONT_ORIGINS (comma-separated): each is added to STORE_CORS,
// AUTH_CORS and the allowed return-URL origins, beside the demo's own storefront and whatever the
// caller's env already set there. Nothing the caller set is overwritten.
"use strict"

/** Comma-separated entries, trimmed, empty ones dropped. */
const entries = (value) => (value ? String(value).split(",").map((part) => part.trim()).filter(Boolean) : [])

/** Union in first-seen order. */
const union = (...lists) => [...new Set(lists.flat())].join(",")

/** DEMO_STOREFRONT_ORIGINS as origins; anything but an http(s) origin stops the demo with a message. */
function storefrontOrigins(value) {
  return entries(value).map((entry) => {
    let url
    try {
      url = new URL(entry)
    } catch {
      url = undefined
    }
    const bare = url && (url.pathname === "/" || url.pathname === "") && !url.search && !url.hash
    if (!url || !/^https?:$/.test(url.protocol) || !bare) {
      throw new Error(`DEMO_STOREFRONT_ORIGINS: "${entry}" is not an http(s) origin (scheme://host[:port], e.g. http://localhost:8000)`)
    }
    return url.origin
  })
}

/**
 * @param {{ processEnv: NodeJS.ProcessEnv, ports: { medusa: number, storefront: number }, databaseUrl: string,
 *   apiKey: string, webhookSecret: string, meumApiBaseUrl: string }} input
 */
function demoEnv({ processEnv, ports, databaseUrl, apiKey, webhookSecret, meumApiBaseUrl }) {
  const storefrontUrl = `http://localhost:${ports.storefront}`
  const medusaUrl = `http://localhost:${ports.medusa}`
  const extra = storefrontOrigins(processEnv.DEMO_STOREFRONT_ORIGINS)
  return {
    ...processEnv,
    DATABASE_URL: databaseUrl,
    PORT: String(ports.medusa),
    MEDUSA_DISABLE_TELEMETRY: "true",
    STORE_CORS: union(entries(processEnv.STORE_CORS), [storefrontUrl], extra),
    ADMIN_CORS: union(entries(processEnv.ADMIN_CORS), [medusaUrl]),
    AUTH_CORS: union(entries(processEnv.AUTH_CORS), [medusaUrl, storefrontUrl], extra),
    MEUM_API_KEY: apiKey,
    MEUM_WEBHOOK_SECRET: webhookSecret,
    MEUM_API_BASE_URL: meumApiBaseUrl,
    MEUM_ALLOWED_RETURN_URL_ORIGINS: union(entries(processEnv.MEUM_ALLOWED_RETURN_URL_ORIGINS), [storefrontUrl], extra),
  }
}

module.exports = { demoEnv, storefrontOrigins }
