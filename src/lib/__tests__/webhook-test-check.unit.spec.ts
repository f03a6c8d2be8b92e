/** The test-webhook verdict from the store's record and Meum's delivery attempts (pure: a fake client and clock). */
import { sendAndCheckTestWebhook, type WebhookTestDeps } from "../webhook-test-check"

type Attempt = { id: string; event_id: string; status_code: number | null }

function deps(script: { attempts: Attempt[][]; records: Array<{ outcome: string } | undefined> }): WebhookTestDeps & { polls: () => number } {
  let clock = 0
  let polls = 0
  return {
    client: {
      sendTestWebhook: async () => ({ ok: true, event_id: "evt_t", event_type: "webhook.test" }),
      listWebhookEndpointDeliveries: async () => ({ data: script.attempts[Math.min(polls, script.attempts.length - 1)] }),
    },
    storeRecord: async () => script.records[Math.min(polls, script.records.length - 1)],
    waitMs: 2_000,
    pollMs: 500,
    now: () => clock,
    sleep: async (ms) => {
      clock += ms
      polls++
    },
    polls: () => polls,
  }
}

describe("sendAndCheckTestWebhook", () => {
  it("is verified once the store recorded the event as a verified test", async () => {
    const d = deps({ attempts: [[]], records: [undefined, { outcome: "verified_test" }] })
    expect(await sendAndCheckTestWebhook("wh_1", d)).toMatchObject({ result: "verified", event_id: "evt_t" })
    expect(d.polls()).toBe(1)
  })

  it("is rejected when Meum's attempt got a 401 (the secret is not configured), ignoring other events' attempts", async () => {
    const d = deps({ attempts: [[{ id: "whd_0", event_id: "evt_other", status_code: 401 }], [{ id: "whd_1", event_id: "evt_t", status_code: 401 }]], records: [undefined] })
    const verdict = await sendAndCheckTestWebhook("wh_1", d)
    expect(verdict).toMatchObject({ result: "rejected", status_code: 401 })
    expect(verdict.detail).toContain("secret is not in webhookSecret")
  })

  it("is not received when nothing happens within the wait, or the endpoint answered 2xx without a record here", async () => {
    expect(await sendAndCheckTestWebhook("wh_1", deps({ attempts: [[]], records: [undefined] }))).toMatchObject({
      result: "not_received",
      detail: "Meum reported no delivery attempt within 2 s",
    })
    const elsewhere = await sendAndCheckTestWebhook("wh_1", deps({ attempts: [[{ id: "whd_1", event_id: "evt_t", status_code: 200 }]], records: [undefined] }))
    expect(elsewhere).toMatchObject({ result: "not_received", status_code: 200 })
    expect(elsewhere.detail).toContain("not this store's /hooks/meum")
  })
})
