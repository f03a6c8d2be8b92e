import { recentPaidRead, rememberPaidRead } from "../client"
import type { Invoice } from "../invoice"

const invoice = (status: Invoice["status"]): Invoice => ({ id: "inv_1", status }) as unknown as Invoice

describe("recent paid reads", () => {
  it("keeps a paid read of one account for a few seconds only", () => {
    const account = {}
    rememberPaidRead(account, invoice("paid"), 1_000)
    expect(recentPaidRead(account, "inv_1", 5_000)?.status).toBe("paid")
    expect(recentPaidRead({}, "inv_1", 5_000)).toBeUndefined()
    expect(recentPaidRead(account, "inv_1", 12_000)).toBeUndefined()
  })

  it("never keeps a read that is not paid (it could hide a payment)", () => {
    const account = {}
    rememberPaidRead(account, invoice("awaiting_payment"), 1_000)
    expect(recentPaidRead(account, "inv_1", 1_001)).toBeUndefined()
  })

  it("is shared by every copy of the module (Medusa loads the provider and the workflows separately)", () => {
    const account = {}
    rememberPaidRead(account, invoice("paid"), 1_000)
    jest.isolateModules(() => {
      const again = require("../client") as typeof import("../client")
      expect(again.recentPaidRead(account, "inv_1", 1_001)?.status).toBe("paid")
    })
  })
})
