/**
 * Money between Medusa and Meum. Medusa hands providers amounts in MAJOR units as a
 * `BigNumberInput` (number, string, `{value, precision}`, bignumber.js, or Medusa's BigNumber);
 * Meum wants a decimal string. All arithmetic is decimal (bignumber.js), never binary floats.
 * This folder must not import @medusajs, so Medusa's BigNumber is recognised by its shape.
 */
import BigNumber from "bignumber.js"

export class InvalidAmountError extends Error {
  constructor(message: string) {
    super(message)
    this.name = "InvalidAmountError"
  }
}

// Intl follows CLDR, which for a few currencies disagrees with the ISO 4217 minor unit that
// payment systems use (e.g. CLDR shows ISK/HUF-style cash rounding). ISO wins for payments.
const ISO_MINOR_UNIT_OVERRIDES: Record<string, number> = {
  ISK: 0,
  UGX: 0,
  IQD: 3,
  IDR: 2,
  HUF: 2,
  TWD: 2,
}

const CURRENCY_CODE = /^[A-Za-z]{3}$/

/** Per currency code: building an Intl.NumberFormat costs more than the rest of an initiatePayment (profiled). */
const precisionOf = new Map<string, number>()

export function currencyPrecision(currencyCode: string): number {
  if (typeof currencyCode !== "string" || !CURRENCY_CODE.test(currencyCode)) {
    throw new InvalidAmountError(`"${String(currencyCode)}" is not a 3-letter ISO 4217 currency code`)
  }
  const code = currencyCode.toUpperCase()
  if (code in ISO_MINOR_UNIT_OVERRIDES) {
    return ISO_MINOR_UNIT_OVERRIDES[code]
  }
  let precision = precisionOf.get(code)
  if (precision === undefined) {
    try {
      precision = new Intl.NumberFormat("en", { style: "currency", currency: code }).resolvedOptions().maximumFractionDigits ?? 2
    } catch {
      precision = 2
    }
    precisionOf.set(code, precision)
  }
  return precision
}

const describe = (value: unknown): string => {
  try {
    return typeof value === "object" || typeof value === "string" ? JSON.stringify(value) : String(value)
  } catch {
    return Object.prototype.toString.call(value)
  }
}

/** A decimal as people and String(number) write it: "20.5", "-1", ".5", "1e+21". */
const DECIMAL_INPUT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i

/**
 * Reads any BigNumberInput shape as a bignumber.js value. A JS number goes through `String(n)`:
 * that is the shortest decimal that round-trips to the same double, i.e. exactly what the
 * caller wrote (0.1 + 0.2 → "0.30000000000000004", 20.5 → "20.5"), with no binary noise added.
 */
function readDecimal(amount: unknown): BigNumber {
  if (amount === null || amount === undefined) {
    throw new InvalidAmountError("an amount is required")
  }
  if (BigNumber.isBigNumber(amount)) {
    return new BigNumber(amount as BigNumber)
  }
  if (typeof amount === "number") {
    return new BigNumber(String(amount))
  }
  if (typeof amount === "bigint") {
    return new BigNumber(amount.toString())
  }
  if (typeof amount === "string") {
    // bignumber.js would also read "0x10" as 16 and "0b11" as 3: only plain decimals pass.
    const text = amount.trim()
    return new BigNumber(DECIMAL_INPUT.test(text) ? text : NaN)
  }
  if (typeof amount === "object") {
    const shaped = amount as { raw?: unknown; bigNumber?: unknown; value?: unknown; numeric?: unknown }
    // Medusa's BigNumber: prefer the exact forms (bigNumber, raw) over `numeric` (a float).
    if (shaped.bigNumber !== undefined && BigNumber.isBigNumber(shaped.bigNumber)) {
      return new BigNumber(shaped.bigNumber as BigNumber)
    }
    if (shaped.raw !== undefined) {
      return readDecimal(shaped.raw)
    }
    // Medusa's raw form: { value: "20.5", precision: 20 }
    if (typeof shaped.value === "string" || typeof shaped.value === "number") {
      return readDecimal(shaped.value)
    }
    if (typeof shaped.numeric === "number") {
      return readDecimal(shaped.numeric)
    }
  }
  throw new InvalidAmountError(`${describe(amount)} is not an amount`)
}

/** A Medusa amount (major units) → Meum decimal string at the currency's precision, half up. */
export function toMeumAmount(amount: unknown, currencyCode: string): string {
  const precision = currencyPrecision(currencyCode)
  const value = readDecimal(amount)
  if (!value.isFinite()) {
    throw new InvalidAmountError(`${describe(amount)} is not a finite number`)
  }
  const rounded = value.decimalPlaces(precision, BigNumber.ROUND_HALF_UP)
  if (rounded.isLessThanOrEqualTo(0)) {
    throw new InvalidAmountError(
      `${describe(amount)} ${currencyCode.toUpperCase()} is not a positive amount at ${precision} decimal places`
    )
  }
  return rounded.toFixed(precision)
}

const DECIMAL_STRING = /^\d+(\.\d+)?$/

/** A Meum decimal string → the same amount normalised at the currency's precision. */
export function fromMeumAmount(decimal: string, currencyCode: string): string {
  if (typeof decimal !== "string" || !DECIMAL_STRING.test(decimal)) {
    throw new InvalidAmountError(`${describe(decimal)} is not a Meum decimal amount`)
  }
  const precision = currencyPrecision(currencyCode)
  return new BigNumber(decimal).decimalPlaces(precision, BigNumber.ROUND_HALF_UP).toFixed(precision)
}

/** Equality at the currency's precision ("20.5" equals "20.50" in USD). */
export function meumAmountsEqual(a: string, b: string, currencyCode: string): boolean {
  return fromMeumAmount(a, currencyCode) === fromMeumAmount(b, currencyCode)
}

/** a < b at the currency's precision. */
export function meumAmountLessThan(a: string, b: string, currencyCode: string): boolean {
  return new BigNumber(fromMeumAmount(a, currencyCode)).isLessThan(fromMeumAmount(b, currencyCode))
}
