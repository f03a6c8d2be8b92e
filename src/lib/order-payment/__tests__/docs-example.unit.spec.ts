/**
 * The subscriber docs/production.md gives merchants ("Order-first: confirm the order when the money
 * arrives") uses this entry as it is: only names it exports, the two events meumOrderToConfirm
 * answers for, and an idempotency key. Its decision runs against a real store in
 * integration-tests/http/meum-order-first.spec.ts. Pure: reads files only.
 */
import fs from "node:fs"
import path from "node:path"
import { OrderWorkflowEvents, PaymentEvents } from "@medusajs/framework/utils"
import * as entry from ".."

const root = path.resolve(__dirname, "../../../..")
const doc = fs.readFileSync(path.join(root, "docs/production.md"), "utf8")
const start = doc.indexOf("// src/subscribers/order-confirmation.ts")
const example = start < 0 ? "" : doc.slice(start, doc.indexOf("```", start))

describe("the docs' order-confirmation subscriber", () => {
  it("is in docs/production.md", () => {
    expect(example).toContain("export default async function")
  })

  it("imports only what medusa-payment-meum/order-payment exports, from that entry of package.json", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"))
    expect(pkg.exports["./order-payment"].default).toBe("./.medusa/server/src/lib/order-payment/index.js")
    const imports = [...example.matchAll(/import \{([^}]+)\} from "medusa-payment-meum\/order-payment"/g)].flatMap((m) => m[1].split(",").map((name) => name.trim()))
    expect(imports).toEqual(["meumOrderToConfirm"])
    for (const name of imports) expect(typeof (entry as Record<string, unknown>)[name]).toBe("function")
  })

  it("subscribes to the two events meumOrderToConfirm answers for, and sends with an idempotency key", () => {
    const events = /event: \[([^\]]+)\]/.exec(example)?.[1].split(",").map((e) => e.trim().replace(/"/g, ""))
    expect(events).toEqual([OrderWorkflowEvents.PLACED, PaymentEvents.CAPTURED])
    expect(example).toMatch(/meumOrderToConfirm\(container, event\)/)
    expect(example).toMatch(/idempotency_key: `order-confirmed-\$\{order\.id\}`/)
  })
})
