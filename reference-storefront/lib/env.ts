/**
 * Configuration, read on the server at run time. `process.env[name]` (not `process.env.NAME`) on
 * purpose: Next inlines `process.env.NEXT_PUBLIC_*` at build time, and one build serves any store
 * (the tests start it against a freshly seeded one with a new publishable key).
 */
const read = (name: string): string | undefined => {
  const value = process.env[name]
  return value === undefined || value === "" ? undefined : value
}

/** Medusa's URL, as the Next server reaches it (the browser never calls Medusa). */
export const backendUrl = (): string => read("MEDUSA_BACKEND_URL") ?? "http://localhost:9000"

export const publishableKey = (): string | undefined => read("NEXT_PUBLIC_MEDUSA_PUBLISHABLE_KEY") ?? read("MEDUSA_PUBLISHABLE_KEY")

/** The country a prefix-less URL goes to. */
export const defaultCountry = (): string => (read("NEXT_PUBLIC_DEFAULT_REGION") ?? "us").toLowerCase()

/** This storefront's public origin: the Meum return URL points here. */
export const baseUrl = (): string => (read("NEXT_PUBLIC_BASE_URL") ?? "http://localhost:8000").replace(/\/$/, "")

/**
 * Order-first checkout: "true" (place the order, then pay), "false" (pay, then place the order),
 * unset/"auto": read it from the Meum session's status (`pending_authorization` = order-first).
 */
export const orderFirstMode = (): "on" | "off" | "auto" => {
  const value = read("NEXT_PUBLIC_MEUM_ORDER_FIRST")
  return value === "true" ? "on" : value === "false" ? "off" : "auto"
}

/** How long the return route keeps trying to complete the cart before it shows the waiting page. */
export const returnBudgetMs = (): number => {
  const value = Number(read("MEUM_RETURN_BUDGET_MS"))
  return Number.isFinite(value) && value >= 0 ? value : 5_000
}

/** How often the waiting page asks again. */
export const pollIntervalMs = (): number => {
  const value = Number(read("MEUM_POLL_INTERVAL_MS"))
  return Number.isFinite(value) && value >= 200 ? value : 2_000
}
