/**
 * The README's status table is what merchants read: it must say what the code does. Each row's
 * statuses, session statuses and webhook actions are read from README.md and compared with the
 * status table the provider and the reconcile decision use.
 */
import fs from "node:fs"
import path from "node:path"
import { INVOICE_STATUS_TABLE, sessionStatusForInvoice, WEBHOOK_EVENT_TABLE, type ReadInvoiceStatus } from "../invoice"
import type { WebhookEventType } from "../schemas"

const readme = fs.readFileSync(path.resolve(__dirname, "../../../../README.md"), "utf8")

function statusTableRows(): string[][] {
  const lines = readme.split("\n")
  const start = lines.findIndex((line) => /^\|\s*Meum invoice status\s*\|/.test(line))
  expect(start).toBeGreaterThan(-1)
  const rows: string[][] = []
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break
    rows.push(line.split("|").slice(1, -1).map((cell) => cell.trim()))
  }
  return rows
}

const KNOWN = Object.keys(INVOICE_STATUS_TABLE) as ReadInvoiceStatus[]
const firstWord = (cell: string) => cell.replace(/`/g, "").split(/[\s(—,]/)[0]

describe("README status table", () => {
  const rows = statusTableRows()
  const covered = new Map<ReadInvoiceStatus, string[]>()
  for (const row of rows) {
    const [statuses, payFirst, orderFirst] = row
    const named = statuses.toLowerCase().startsWith("anything else") ? (["unknown"] as ReadInvoiceStatus[]) : KNOWN.filter((status) => new RegExp(`(^|[\\s,\`])${status}([\\s,\`]|$)`).test(statuses.split(/, (?=amount)/)[0]))
    for (const status of named) covered.set(status, [...(covered.get(status) ?? []), statuses])
    const paidAsAsked = !/differ/.test(statuses)
    it.each(named)(`row "${statuses}": %s`, (status) => {
      expect(firstWord(payFirst)).toBe(sessionStatusForInvoice(status, "pay_first", paidAsAsked))
      expect(firstWord(orderFirst)).toBe(sessionStatusForInvoice(status, "order_first", paidAsAsked))
    })
  }

  it("has a row for every status the plugin reads", () => {
    expect([...covered.keys()].sort()).toEqual([...KNOWN].sort())
  })

  it("names each webhook event with the action the code maps it to", () => {
    const named = rows.flatMap((row) => [...row[3].matchAll(/(invoice\.[a-z_]+) → ([a-z_]+)/g)].map((match) => [match[1], match[2]] as const))
    expect(named.length).toBeGreaterThan(0)
    for (const [event, action] of named) expect({ event, action }).toEqual({ event, action: WEBHOOK_EVENT_TABLE[event as WebhookEventType] })
  })
})
