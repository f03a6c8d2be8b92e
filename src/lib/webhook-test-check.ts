/**
 * "Did the store receive and verify Meum's test webhook?" — shared by the setup command
 * (src/scripts/setup-meum-webhook.ts) and the admin's "Send test webhook" button. Asks Meum to send a
 * `webhook.test` to the endpoint, then watches two records until one answers, within a bound:
 * the store's own delivery record for that event id (outcome `verified_test`: /hooks/meum received
 * and verified it) and Meum's delivery attempts to the endpoint (a non-2xx answer: the store rejected
 * it — 401 is a signature the store cannot verify, i.e. this endpoint's secret is not configured).
 * A rejected delivery leaves no row per event in the store (rejections are only counted), hence Meum's side.
 */
import type { MeumClient } from "./meum/client"
import { VERIFIED_TEST_OUTCOME } from "./webhook-action"

export type WebhookTestResult = "verified" | "rejected" | "not_received"

export interface WebhookTestVerdict {
  result: WebhookTestResult
  event_id: string
  /** The store's answer to Meum's latest attempt, when Meum reported one. */
  status_code: number | null
  /** One sentence for the merchant; never a secret. */
  detail: string
}

export interface WebhookTestDeps {
  client: Pick<MeumClient, "sendTestWebhook" | "listWebhookEndpointDeliveries">
  /** The store's delivery record of an event id (the ledger's meum_webhook_event row), if any. */
  storeRecord: (eventId: string) => Promise<{ outcome: string | null } | undefined>
  /** How long to watch (Meum queues the test; its retries may come later). */
  waitMs: number
  pollMs?: number
  sleep?: (ms: number) => Promise<void>
  now?: () => number
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const isSuccess = (status: number | null | undefined) => typeof status === "number" && status >= 200 && status < 300

export async function sendAndCheckTestWebhook(endpointId: string, deps: WebhookTestDeps): Promise<WebhookTestVerdict> {
  const sleep = deps.sleep ?? defaultSleep
  const now = deps.now ?? Date.now
  const sent = await deps.client.sendTestWebhook(endpointId)
  const eventId = sent.event_id
  const deadline = now() + deps.waitMs
  let lastStatus: number | null = null
  for (;;) {
    const record = await deps.storeRecord(eventId)
    if (record?.outcome === VERIFIED_TEST_OUTCOME) {
      return { result: "verified", event_id: eventId, status_code: 200, detail: "/hooks/meum received the test event and verified its signature" }
    }
    const attempts = (await deps.client.listWebhookEndpointDeliveries(endpointId, { limit: 100 })).data.filter((attempt) => attempt.event_id === eventId)
    const answered = attempts.filter((attempt) => typeof attempt.status_code === "number")
    lastStatus = answered[0]?.status_code ?? lastStatus
    const rejected = answered.find((attempt) => !isSuccess(attempt.status_code))
    if (rejected && !answered.some((attempt) => isSuccess(attempt.status_code))) {
      const status = rejected.status_code ?? null
      return {
        result: "rejected",
        event_id: eventId,
        status_code: status,
        detail:
          status === 401
            ? "the store rejected the test event's signature: this endpoint's secret is not in webhookSecret yet"
            : `the store answered HTTP ${status}`,
      }
    }
    if (now() >= deadline) {
      const detail = answered.some((attempt) => isSuccess(attempt.status_code))
        ? "the endpoint answered 2xx but this store has no record of the event: the endpoint's URL is not this store's /hooks/meum"
        : attempts.length
          ? "Meum could not reach the endpoint's URL (no answer)"
          : `Meum reported no delivery attempt within ${Math.round(deps.waitMs / 1000)} s`
      return { result: "not_received", event_id: eventId, status_code: lastStatus, detail }
    }
    await sleep(deps.pollMs ?? 500)
  }
}
