import { signCartReference, verifyCartReference } from "../cart-reference"

const KEY = "sk_live_cart_reference_test"

describe("signed cart reference", () => {
  it("round-trips a cart and a payment-collection reference", () => {
    const cart = { kind: "cart" as const, id: "cart_01ABC", paymentCollectionId: "pay_col_01" }
    expect(verifyCartReference(signCartReference(cart, KEY), KEY)).toEqual(cart)
    const collection = { kind: "payment_collection" as const, id: "pay_col_02", paymentCollectionId: "pay_col_02" }
    expect(verifyCartReference(signCartReference(collection, KEY), KEY)).toEqual(collection)
  })

  it("rejects a token signed with another key, a tampered id, and junk", () => {
    const token = signCartReference({ kind: "cart", id: "cart_01ABC", paymentCollectionId: "pay_col_01" }, KEY)
    expect(verifyCartReference(token, "sk_live_other")).toBeUndefined()
    expect(verifyCartReference(token.replace("cart_01ABC", "cart_01ABD"), KEY)).toBeUndefined()
    for (const junk of [undefined, 42, "", "cart~x~y", "cart~cart_fake~x.forged", "x".repeat(5000)]) {
      expect(verifyCartReference(junk, KEY)).toBeUndefined()
    }
  })

  it("does not contain the API key", () => {
    const token = signCartReference({ kind: "cart", id: "cart_1", paymentCollectionId: "pc_1" }, KEY)
    expect(token).not.toContain(KEY)
  })
})
