/**
 * Wires a Medusa test suite to a Meum sandbox over real HTTP: starts the sandbox before Medusa
 * boots (medusa-config.ts reads MEUM_* from the environment), points its webhooks at the
 * store's `/hooks/payment/meum_meum`, and captures every line Medusa logs so a test can prove
 * no secret ever appears in them.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { startMeumSandbox, type MeumSandbox } from "../../src/sandbox"

export const TEST_API_KEY = "sk_live_integration_7f3a9c1e5b2d4f60"
export const TEST_WEBHOOK_SECRET = "whsec_integration_c0ffee1234567890abcdef"

export interface SandboxEnv {
  sandbox: () => MeumSandbox
  capturedOutput: () => string
  /** Registers the store's webhook URL at the sandbox (idempotent). */
  connect: (apiBaseUrl: string) => void
}

/**
 * The sandbox answers as Meum's documentation allows, strictest reading by default (UUID ids,
 * dedupe returning an invoice in any status, checkout_url null once not payable, a minimal
 * status body, the landing page's create response, 30 creates / min). MEUM_SANDBOX_ID_STYLE=inv and
 * MEUM_SANDBOX_DEDUPE=open|off|conflict run a suite against another documented reading; the
 * checkout and reliability suites run theirs under each reading themselves (run-time settings).
 */
export const sandboxVariant = () => ({
  idStyle: (process.env.MEUM_SANDBOX_ID_STYLE === "inv" ? "inv" : "uuid") as "inv" | "uuid",
  dedupe: (["open", "off", "conflict"].includes(process.env.MEUM_SANDBOX_DEDUPE ?? "") ? process.env.MEUM_SANDBOX_DEDUPE : "any") as
    | "any"
    | "open"
    | "off"
    | "conflict",
})

export function useMeumSandbox(
  options: { orderFirst?: boolean; webhookPath?: string; rateLimit?: { max: number; windowMs: number } } = {}
): SandboxEnv {
  let sandbox: MeumSandbox | undefined
  let connectedTo: string | undefined
  const captured: string[] = []
  const originalStdout = process.stdout.write.bind(process.stdout)
  const originalStderr = process.stderr.write.bind(process.stderr)

  beforeAll(async () => {
    const capture = (original: typeof process.stdout.write) =>
      ((chunk: unknown, ...rest: unknown[]) => {
        captured.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"))
        return (original as (...args: unknown[]) => boolean)(chunk, ...rest)
      }) as typeof process.stdout.write
    process.stdout.write = capture(originalStdout)
    process.stderr.write = capture(originalStderr)

    sandbox = await startMeumSandbox({
      port: 0,
      apiKeys: [TEST_API_KEY],
      webhookSecret: TEST_WEBHOOK_SECRET,
      // Meum's documented limit unless a suite measures something else (bursts of carts).
      rateLimit: options.rateLimit ?? { max: 30, windowMs: 60_000 },
      webhookRetry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 },
      ...sandboxVariant(),
      logger: (line) => captured.push(line),
    })
    process.env.MEUM_API_KEY = TEST_API_KEY
    process.env.MEUM_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET
    process.env.MEUM_API_BASE_URL = sandbox.url
    process.env.MEUM_RETURN_URL = "http://localhost:8000/checkout/return?cart_id={cart_id}"
    process.env.MEUM_ORDER_FIRST = options.orderFirst ? "true" : "false"
    // The scheduled reconcile job would race the tests; suites run it explicitly.
    process.env.MEUM_RECONCILE_DISABLED = "true"
    // The suites assert "the order exists when /hooks/meum answers 200": give every delivery the
    // time to finish. The burst test lowers it on purpose to prove the 202 {queued} path.
    process.env.MEUM_WEBHOOK_RESPONSE_BUDGET_MS = "60000"
  })

  afterAll(async () => {
    process.stdout.write = originalStdout
    process.stderr.write = originalStderr
    await sandbox?.stop()
  })

  return {
    sandbox: () => {
      if (!sandbox) throw new Error("sandbox not started")
      return sandbox
    },
    capturedOutput: () => captured.join(""),
    connect: (apiBaseUrl: string) => {
      if (connectedTo === apiBaseUrl) return
      sandbox!.addWebhookEndpoint(`${apiBaseUrl.replace(/\/$/, "")}${options.webhookPath ?? "/hooks/payment/meum_meum"}`)
      connectedTo = apiBaseUrl
    },
  }
}

/**
 * Medusa's core webhook route answers 200 at once and processes 5 s later on the local event
 * bus. The sandbox also sends invoice.created/cancelled events, so "the next webhook processed"
 * is ambiguous: this wraps the core subscriber once and lets a test wait for the processing of
 * the deliveries it cares about (matched on the webhook body), then for all workflows to end.
 *
 * While a test waits that way, the core route's deliveries are processed at once instead of after
 * Medusa's fixed 5 s (its `webhook_delay` option is not read in Medusa 2.x): the test awaits that
 * processing anyway, and the delay cost 5 s per awaited delivery. Deliveries no test awaits (the
 * shopper-return race of the storefront test, background invoice.created) keep Medusa's delay.
 */
type WebhookBody = { id?: string; type?: string; data?: { invoice_id?: string } }
type Waiter = { match: (body: WebhookBody) => boolean; remaining: number; resolve: () => void }
const WEBHOOK_EVENT = "payment.webhook_received"
const waiters = new Set<Waiter>()
const INSTRUMENTED = Symbol.for("meum-tests.webhook-instrumented")
let awaitingProcessing = 0

function instrument(container: MedusaContainer) {
  const eventBus = container.resolve(Modules.EVENT_BUS) as any
  const emitter = eventBus.eventEmitter_
  if (emitter[INSTRUMENTED]) return
  emitter[INSTRUMENTED] = true
  const emit = eventBus.emit.bind(eventBus)
  eventBus.emit = (data: { name: string } | Array<{ name: string }>, options?: { delay?: number }) => {
    const isWebhook = (Array.isArray(data) ? data : [data]).some((event) => event.name === WEBHOOK_EVENT)
    return emit(data, awaitingProcessing > 0 && isWebhook && options?.delay ? { ...options, delay: 0 } : options)
  }
  for (const listener of emitter.listeners(WEBHOOK_EVENT)) {
    emitter.removeListener(WEBHOOK_EVENT, listener)
    emitter.on(WEBHOOK_EVENT, async (event: any) => {
      try {
        await listener.call(eventBus, event)
      } finally {
        const body = (event?.data?.payload?.data ?? {}) as WebhookBody
        for (const waiter of waiters) {
          if (waiter.match(body) && --waiter.remaining <= 0) {
            waiters.delete(waiter)
            waiter.resolve()
          }
        }
      }
    })
  }
}

export async function webhooksProcessed(
  container: MedusaContainer,
  waitWorkflows: () => Promise<void>,
  match: (body: WebhookBody) => boolean,
  trigger: () => Promise<unknown>,
  count = 1,
  timeoutMs = 30_000
): Promise<void> {
  instrument(container)
  let timer: NodeJS.Timeout | undefined
  const done = new Promise<void>((resolve, reject) => {
    waiters.add({ match, remaining: count, resolve })
    timer = setTimeout(() => reject(new Error(`webhook processing not observed within ${timeoutMs} ms`)), timeoutMs)
  })
  awaitingProcessing++
  try {
    await trigger()
    await done
  } finally {
    awaitingProcessing--
    clearTimeout(timer)
  }
  await waitWorkflows()
}

export const invoiceEvent = (type: string, invoiceId: string) => (body: WebhookBody) =>
  body.type === type && body.data?.invoice_id === invoiceId
