/**
 * Which URLs may be plain http: only this machine's (the local sandbox). A live Meum is https, so
 * an http URL elsewhere is a test server or an interceptor — never where a key or a shopper goes.
 */
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"])

const parse = (value: unknown): URL | undefined => {
  if (typeof value !== "string" || value === "") return undefined
  try {
    return new URL(value)
  } catch {
    return undefined
  }
}

export const isLocalUrl = (value: unknown): boolean => {
  const url = parse(value)
  return url !== undefined && LOCAL_HOSTS.has(url.hostname)
}

/** https, or http on localhost / 127.0.0.1 / ::1. */
export const isSecureOrLocalUrl = (value: unknown): boolean => {
  const url = parse(value)
  return url !== undefined && (url.protocol === "https:" || (url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname)))
}

/** The key `meum-sandbox` starts with when none is given: only ever valid against a local sandbox. */
export const DEFAULT_SANDBOX_API_KEY = "sk_live_sandbox_key"
