import BigNumber from "bignumber.js"
import { currencyPrecision, fromMeumAmount, InvalidAmountError, meumAmountLessThan, meumAmountsEqual, toMeumAmount } from "../invoice"

describe("toMeumAmount", () => {
  it.each([
    // [input, currency, expected]
    [20.5, "usd", "20.50"],
    ["20.5", "USD", "20.50"],
    [10.005, "USD", "10.01"],
    [10.004, "USD", "10.00"],
    ["0.005", "eur", "0.01"],
    ["19.99", "EUR", "19.99"],
    [7, "JPY", "7"],
    ["1.0004", "KWD", "1.000"],
    [1.2345, "BHD", "1.235"],
    ["1e3", "USD", "1000.00"],
    [" 12.3 ", "USD", "12.30"],
    [{ value: 12, precision: 20 }, "USD", "12.00"],
    [{ numeric: 12.5 }, "USD", "12.50"],
    ["123456789012345.675", "USD", "123456789012345.68"],
    [0.1 + 0.2, "USD", "0.30"],
    [1234.5, "JPY", "1235"],
    [1234.49, "jpy", "1234"],
    [1.0005, "KWD", "1.001"],
    ["7", "BHD", "7.000"],
    [99.5, "ISK", "100"],
    [5, "HUF", "5.00"],
    [1e21, "USD", "1000000000000000000000.00"],
    [{ value: "20.5", precision: 20 }, "usd", "20.50"],
    [new BigNumber("19.995"), "usd", "20.00"],
    [{ numeric: 20.499999, raw: { value: "20.5", precision: 20 }, bigNumber: new BigNumber("20.5") }, "usd", "20.50"],
    [{ raw: { value: "3.333", precision: 20 } }, "usd", "3.33"],
  ])("%p %s → %s", (input, currency, expected) => {
    expect(toMeumAmount(input, currency)).toBe(expected)
  })

  it.each([
    [0, "USD"],
    [-1, "USD"],
    [NaN, "USD"],
    [Infinity, "USD"],
    ["abc", "USD"],
    ["", "USD"],
    [null, "USD"],
    [undefined, "USD"],
    [{}, "USD"],
    [0.004, "USD"],
    [5e-7, "USD"],
    [0.4, "JPY"],
    ["0x10", "USD"],
    ["0b11", "USD"],
    ["1,5", "USD"],
    ["12 USD", "USD"],
    [{ value: "abc", precision: 20 }, "USD"],
    [{ value: "-5", precision: 20 }, "USD"],
    [Symbol("x"), "USD"],
    [10, "US"],
    [10, ""],
    [10, "1234"],
  ])("rejects %p %s with a clear InvalidAmountError", (input, currency) => {
    expect(() => toMeumAmount(input, currency)).toThrow(InvalidAmountError)
  })

  it("says what was wrong", () => {
    expect(() => toMeumAmount("abc", "USD")).toThrow('"abc" is not a finite number')
    expect(() => toMeumAmount(0.004, "usd")).toThrow("0.004 USD is not a positive amount at 2 decimal places")
  })
})

describe("currency precision and comparisons", () => {
  it("follows ISO 4217 minor units", () => {
    expect(["usd", "EUR", "JPY", "KWD", "BHD", "ISK", "HUF", "IDR"].map(currencyPrecision)).toEqual([2, 2, 0, 3, 3, 0, 2, 2])
    expect(() => currencyPrecision("US")).toThrow(InvalidAmountError)
  })

  it("normalises and compares Meum strings at the currency's precision", () => {
    expect(fromMeumAmount("20.5", "USD")).toBe("20.50")
    expect(fromMeumAmount("1235", "JPY")).toBe("1235")
    expect(meumAmountsEqual("20.5", "20.50", "USD")).toBe(true)
    expect(meumAmountsEqual("20.5", "20.51", "USD")).toBe(false)
    expect(meumAmountsEqual("1235", "1235.0", "JPY")).toBe(true)
    expect(meumAmountLessThan("20.49", "20.5", "USD")).toBe(true)
    expect(meumAmountLessThan("20.50", "20.5", "USD")).toBe(false)
    expect(fromMeumAmount("1.0005", "KWD")).toBe("1.001")
    expect(() => fromMeumAmount("-1", "USD")).toThrow(InvalidAmountError)
    expect(() => fromMeumAmount("1e3", "USD")).toThrow(InvalidAmountError)
  })
})
