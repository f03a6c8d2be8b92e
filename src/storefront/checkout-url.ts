/**
 * A Meum checkout_url is used as a link or redirect only when it is https (or http on this
 * machine: the local sandbox). The server applies the same rule before it hands one out
 * (src/lib/meum/local-url.ts); this copy keeps the storefront entry free of server imports.
 */
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"])

export function isSafeCheckoutUrl(value: unknown): value is string {
  if (typeof value !== "string" || value === "") return false
  try {
    const url = new URL(value)
    return url.protocol === "https:" || (url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname))
  } catch {
    return false
  }
}
