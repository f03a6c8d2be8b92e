/**
 * Provider options, validated at boot by `validateOptions`: a bad configuration stops Medusa
 * with a message naming the option (never its value: it may be the key). medusa-config.ts reads
 * them from the environment, so booleans, numbers and secret lists may arrive as strings.
 */
import { z } from "zod"
import { DEFAULT_MEUM_API_BASE_URL, DEFAULT_MEUM_TIMEOUT_MS } from "./meum/client"
import { DEFAULT_WEBHOOK_TOLERANCE_SECONDS } from "./meum/webhook-signature"

const emptyToUndefined = (value: unknown) => (value === "" || value === null ? undefined : value)

const booleanOption = (fallback: boolean) =>
  z.preprocess((value) => {
    const v = emptyToUndefined(value)
    if (typeof v === "string") {
      const lowered = v.trim().toLowerCase()
      if (["true", "1", "yes", "on"].includes(lowered)) return true
      if (["false", "0", "no", "off"].includes(lowered)) return false
    }
    return v
  }, z.boolean().default(fallback))

const integerOption = (fallback: number, min: number, max: number) =>
  z.preprocess((value) => {
    const v = emptyToUndefined(value)
    return typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : v
  }, z.number().int().min(min).max(max).default(fallback))

const httpUrl = z.url({ protocol: /^https?$/ })

const secretList = z.preprocess(
  (value) => {
    const v = emptyToUndefined(value)
    if (typeof v === "string") return v.split(",").map((part) => part.trim()).filter(Boolean)
    return v
  },
  z.array(z.string().min(1)).min(1, "at least one webhook secret is required")
)

export const meumProviderOptionsSchema = z.object({
  apiKey: z
    .string({ error: "is required (your Meum secret key, sk_live_…)" })
    .regex(/^sk_[A-Za-z0-9_]+$/, "must be a Meum secret key starting with sk_"),
  webhookSecret: secretList,
  apiBaseUrl: z.preprocess(emptyToUndefined, httpUrl.default(DEFAULT_MEUM_API_BASE_URL)),
  /** Fixed URL, or a template with {cart_id} and {session_id}. */
  returnUrl: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((value) => httpUrl.safeParse(value.replace(/\{(cart_id|session_id)\}/g, "x")).success, "must be an http(s) URL")
      .optional()
  ),
  /** Origins a storefront-supplied data.return_url may point to. */
  allowedReturnUrlOrigins: z.preprocess((value) => {
    const v = emptyToUndefined(value)
    return typeof v === "string" ? v.split(",").map((part) => part.trim()).filter(Boolean) : v
  }, z.array(httpUrl).optional()),
  callbackUrl: z.preprocess(emptyToUndefined, httpUrl.optional()),
  webhookToleranceSeconds: integerOption(DEFAULT_WEBHOOK_TOLERANCE_SECONDS, 1, 3600),
  allowLegacySignatures: booleanOption(false),
  integrationId: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
  /**
   * The Meum webhook endpoint (`wh_…`) that sends this registration's webhooks, as the setup command
   * prints it: the admin's "Send test webhook" and Meum's delivery attempts on the health page use it.
   */
  webhookEndpointId: z.preprocess(emptyToUndefined, z.string().min(1).max(200).optional()),
  orderFirst: booleanOption(false),
  /** Order-first: how long after an invoice expired/was cancelled/failed its order is cancelled. */
  orderFirstGraceSeconds: integerOption(900, 0, 30 * 24 * 3600),
  /**
   * The plugin's own lifetime of an invoice: past it, one still open at Meum is cancelled there (Meum
   * may give an invoice a far-future expiry when the platform timeout is off). Meum's expires_at,
   * when earlier, still wins.
   */
  invoiceLifetimeMinutes: integerOption(60, 1, 30 * 24 * 60),
  timeoutMs: integerOption(DEFAULT_MEUM_TIMEOUT_MS, 100, 120_000),
  /** /hooks/meum: how many webhook reconciliations (cart completions) run at once in this process. */
  webhookConcurrency: integerOption(4, 1, 64),
  /**
   * /hooks/meum: how long a delivery waits for its reconciliation before it is answered
   * 202 {queued: true} while the work goes on (0: always answer once queued).
   */
  webhookResponseBudgetMs: integerOption(5_000, 0, 60_000),
  /**
   * Meum has no merchant refund API. "refuse" (default): a refund in Medusa is refused with a
   * message. "manual": the admin's refund is recorded in Medusa as money that moved outside
   * (from the settlement wallet), with a note; nothing is sent to Meum.
   */
  refunds: z.preprocess(emptyToUndefined, z.enum(["refuse", "manual"]).default("refuse")),
  /**
   * Invoices one cart (or payment collection) may create per budget window: Meum allows 30
   * creates per minute per IP, shared by every shopper of the store. Then the cart gets a 429.
   */
  maxInvoicesPerCart: integerOption(5, 1, 1000),
  invoiceBudgetWindowMinutes: integerOption(10, 1, 24 * 60),
})

export type MeumProviderOptions = z.infer<typeof meumProviderOptionsSchema>

export class MeumOptionsError extends Error {
  constructor(message: string) {
    super(message)
    this.name = "MeumOptionsError"
  }
}

/** Parses options; the error names each bad option and never echoes a value. */
export function parseMeumProviderOptions(raw: unknown): MeumProviderOptions {
  const result = meumProviderOptionsSchema.safeParse(raw ?? {})
  if (result.success) return result.data
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.length ? issue.path.join(".") : "(options)"
    const message = issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message
    return `option "${name}" ${message}`
  })
  throw new MeumOptionsError(`medusa-payment-meum: invalid provider options: ${problems.join("; ")}`)
}
