import { INVOICE_STATUS_TABLE, INVOICE_STATUSES, isOpenInvoiceStatus, sessionStatusForInvoice, WEBHOOK_EVENT_TABLE, webhookActionForEvent } from "../invoice"
import { WEBHOOK_EVENT_TYPES } from "../schemas"

// The contract from ARCHITECTURE.md's status table, written out independently of the module.
const expectedSessionStatus: Array<[string, string, string]> = [
  ["pending", "pending", "pending_authorization"],
  ["quoted", "pending", "pending_authorization"],
  ["awaiting_payment", "pending", "pending_authorization"],
  ["paid", "captured", "captured"],
  ["underpaid", "requires_more", "pending_authorization"],
  ["expired", "canceled", "canceled"],
  ["cancelled", "canceled", "canceled"],
  ["failed", "error", "error"],
  ["refunded", "canceled", "canceled"],
  // Not a Meum status: what the plugin reads when Meum sends one its docs do not list.
  ["unknown", "pending", "pending"],
]

describe("status table", () => {
  it("has a row for every documented invoice status, plus unknown, and nothing else", () => {
    expect(Object.keys(INVOICE_STATUS_TABLE).sort()).toEqual([...INVOICE_STATUSES, "unknown"].sort())
    expect(expectedSessionStatus.map(([status]) => status).sort()).toEqual([...INVOICE_STATUSES, "unknown"].sort())
  })

  it.each(expectedSessionStatus)("maps %s to %s (pay-first) and %s (order-first)", (status, payFirst, orderFirst) => {
    const invoiceStatus = status as (typeof INVOICE_STATUSES)[number] | "unknown"
    expect(sessionStatusForInvoice(invoiceStatus, "pay_first")).toBe(payFirst)
    expect(sessionStatusForInvoice(invoiceStatus, "order_first")).toBe(orderFirst)
  })

  it("never captures a paid invoice whose amount or currency differ from the session", () => {
    expect(sessionStatusForInvoice("paid", "pay_first", false)).toBe("error")
    expect(sessionStatusForInvoice("paid", "order_first", false)).toBe("error")
  })

  it("ignores the amount flag for statuses other than paid", () => {
    expect(sessionStatusForInvoice("awaiting_payment", "pay_first", false)).toBe("pending")
    expect(sessionStatusForInvoice("expired", "pay_first", false)).toBe("canceled")
  })

  it("treats exactly pending, quoted and awaiting_payment as open", () => {
    const open = INVOICE_STATUSES.filter(isOpenInvoiceStatus)
    expect(open.sort()).toEqual(["awaiting_payment", "pending", "quoted"])
  })

  it("maps every webhook event type to the documented action", () => {
    expect(Object.keys(WEBHOOK_EVENT_TABLE).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort())
    expect(webhookActionForEvent("invoice.created")).toBe("not_supported")
    expect(webhookActionForEvent("invoice.paid")).toBe("captured")
    expect(webhookActionForEvent("invoice.underpaid")).toBe("requires_more")
    expect(webhookActionForEvent("invoice.failed")).toBe("failed")
    expect(webhookActionForEvent("invoice.expired")).toBe("canceled")
    expect(webhookActionForEvent("invoice.cancelled")).toBe("canceled")
    expect(webhookActionForEvent("invoice.refunded")).toBe("not_supported")
    expect(webhookActionForEvent("webhook.test")).toBe("not_supported")
  })

  it("only ever emits captured (never authorized) for a webhook: a stale session id with authorized completes an unrelated cart", () => {
    expect(Object.values(WEBHOOK_EVENT_TABLE)).not.toContain("authorized")
  })
})

describe("the storefront's copy of the open statuses", () => {
  it("equals the status table's open phase", async () => {
    const { OPEN_INVOICE } = await import("../../../storefront/session")
    const { OPEN_INVOICE_STATUSES } = await import("../invoice")
    expect([...OPEN_INVOICE].sort()).toEqual([...OPEN_INVOICE_STATUSES].sort())
  })
})
