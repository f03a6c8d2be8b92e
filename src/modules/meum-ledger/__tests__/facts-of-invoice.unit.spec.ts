/**
 * What the ledger records about an invoice comes from Meum's invoice itself: its metadata when Meum
 * returns it, else what its external_order_id names (the cart id, plain or suffixed) — so the row
 * of an invoice whose metadata came back empty still names its cart.
 */
import type { Invoice } from "../../../lib/meum/invoice"
import { factsOfInvoice } from "../service"

const invoice = (fields: Partial<Invoice>): Invoice =>
  ({ id: "inv_1", amount: "10.00", currency: "USDC", status: "paid", external_order_id: null, metadata: {}, ...fields }) as unknown as Invoice

describe("factsOfInvoice", () => {
  it("takes the cart from the metadata when Meum returns it", () => {
    const facts = factsOfInvoice(invoice({ metadata: { medusa_cart_id: "cart_meta", medusa_session_id: "payses_1" }, external_order_id: "cart_other" }), "pp_meum_meum")
    expect(facts).toMatchObject({ invoiceId: "inv_1", providerId: "pp_meum_meum", cartId: "cart_meta", sessionId: "payses_1", externalOrderId: "cart_other" })
  })

  it("falls back to the cart named by external_order_id (plain or suffixed) when the metadata is gone", () => {
    expect(factsOfInvoice(invoice({ external_order_id: "cart_01ABC" }), "pp_meum_meum").cartId).toBe("cart_01ABC")
    expect(factsOfInvoice(invoice({ external_order_id: "cart_01ABC:payses_9:2" }), "pp_meum_meum").cartId).toBe("cart_01ABC")
  })

  it("names no cart when neither says one (an external_order_id that is not a cart id)", () => {
    expect(factsOfInvoice(invoice({}), "pp_meum_meum").cartId).toBeUndefined()
    expect(factsOfInvoice(invoice({ external_order_id: "order_42" }), "pp_meum_meum").cartId).toBeUndefined()
  })
})
