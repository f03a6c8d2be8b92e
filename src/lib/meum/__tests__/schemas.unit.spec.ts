import { errorBodySchema, webhookEventSchema } from "../schemas"
import { invoiceSchema } from "../invoice"

const invoice = {
  id: "inv_cb1e73f508a2abf4ea639f100de14cef",
  status: "awaiting_payment",
  amount: "100.00",
  currency: "USD",
  checkout_url: "https://pay.meum.io/inv_cb1e73f508a2abf4ea639f100de14cef",
  expires_at: "2099-12-31T23:59:59.999Z",
}

describe("Meum schemas", () => {
  it("keeps unknown invoice fields and accepts ids of any shape (docs show both inv_ and UUIDs)", () => {
    const parsed = invoiceSchema.parse({ ...invoice, id: "550e8400-e29b-41d4-a716-446655440000", swap_status: "x" })
    expect(parsed.id).toBe("550e8400-e29b-41d4-a716-446655440000")
    expect((parsed as Record<string, unknown>).swap_status).toBe("x")
  })

  it("rejects what the plugin relies on when it is wrong: float or negative amount", () => {
    expect(invoiceSchema.safeParse({ ...invoice, amount: 100 }).success).toBe(false)
    expect(invoiceSchema.safeParse({ ...invoice, amount: "-1.00" }).success).toBe(false)
  })

  it("parses both error body shapes", () => {
    expect(errorBodySchema.parse({ error: "Too many requests" })).toEqual({ error: "Too many requests" })
    expect(
      errorBodySchema.parse({ error: { type: "permission_error", code: "INSUFFICIENT_SCOPE", message: "Missing scope" } })
    ).toEqual({ error: { type: "permission_error", code: "INSUFFICIENT_SCOPE", message: "Missing scope" } })
  })

  it("parses the documented webhook envelope and the test event", () => {
    const paid = webhookEventSchema.parse({
      id: "evt_demo_abc123",
      type: "invoice.paid",
      createdAt: "2024-06-24T12:00:00.000Z",
      data: { invoice_id: "inv_demo_123", status: "paid", amount: "100.00", tx_hash: "demo" },
      _platform: { webhookEndpointId: "endpoint_demo_uuid" },
    })
    expect(paid.data.invoice_id).toBe("inv_demo_123")
    expect((paid as Record<string, unknown>)._platform).toEqual({ webhookEndpointId: "endpoint_demo_uuid" })
    const test = webhookEventSchema.parse({ id: "evt_demo_test", type: "webhook.test", data: { message: "hi" } })
    expect(test.data.invoice_id).toBeUndefined()
    expect(webhookEventSchema.safeParse({ type: "invoice.paid", data: {} }).success).toBe(false)
  })
})
