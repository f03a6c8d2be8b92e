import { externalOrderIdCandidates, externalOrderIdFor, orderReferenceOf } from "../invoice"

describe("external_order_id of a cart's invoices", () => {
  it("uses the cart id exactly for the first invoice, then the documented derived forms", () => {
    expect(externalOrderIdCandidates("cart_01A", "payses_01B")).toEqual(["cart_01A", "cart_01A:payses_01B", "cart_01A:payses_01B:2"])
  })

  it("continues after the last one the session used", () => {
    expect(externalOrderIdCandidates("cart_01A", "payses_01B", "cart_01A", 2)).toEqual(["cart_01A:payses_01B", "cart_01A:payses_01B:2"])
    expect(externalOrderIdCandidates("cart_01A", "payses_01B", "cart_01A:payses_01B", 2)).toEqual(["cart_01A:payses_01B:2", "cart_01A:payses_01B:3"])
    expect(externalOrderIdCandidates("cart_01A", "payses_01B", "cart_01A:payses_01B:7", 1)).toEqual(["cart_01A:payses_01B:8"])
  })

  it("starts from the cart id when the previous one belongs to another session", () => {
    expect(externalOrderIdCandidates("cart_01A", "payses_01B", "cart_01A:payses_OLD", 2)).toEqual(["cart_01A", "cart_01A:payses_01B"])
  })

  it("reads the cart id back from every form", () => {
    for (let n = 1; n <= 4; n++) expect(orderReferenceOf(externalOrderIdFor("cart_01A", "payses_01B", n))).toBe("cart_01A")
    expect(orderReferenceOf("order-1048")).toBe("order-1048")
  })
})
