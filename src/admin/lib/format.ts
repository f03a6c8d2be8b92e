// How the admin shows values: amounts with their currency, dates in the operator's locale, and
// internal codes (states, reasons, verdicts) as words from en.json — an unknown code (a newer
// plugin or Meum status) still reads as words, never as snake_case.
import { useTranslation } from "react-i18next"

const humanize = (code: string) => {
  const words = code.replace(/[_.-]+/g, " ").trim()
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : code
}

export function useMeumFormat() {
  const { t, i18n } = useTranslation()
  const locale = i18n.language || undefined

  const label = (group: string, code: string | null | undefined) =>
    code ? t(`meum.${group}.${code}`, { defaultValue: humanize(code) }) : t("meum.common.none")

  const money = (amount: string | number | null | undefined, currency: string | null | undefined) => {
    if (amount === null || amount === undefined || amount === "") return t("meum.common.none")
    const value = Number(amount)
    if (!Number.isFinite(value) || !currency) return `${amount} ${currency ?? ""}`.trim()
    try {
      return new Intl.NumberFormat(locale, { style: "currency", currency: currency.toUpperCase() }).format(value)
    } catch {
      return `${amount} ${currency.toUpperCase()}`
    }
  }

  const date = (value: string | Date | null | undefined) => {
    if (!value) return t("meum.common.none")
    const parsed = new Date(value)
    if (Number.isNaN(parsed.getTime())) return String(value)
    return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(parsed)
  }

  return { t, label, money, date }
}

/** Shortens a long opaque value for a cell (the full value is in the title). */
export const short = (value: string, keep = 10) => (value.length > keep * 2 + 1 ? `${value.slice(0, keep)}…${value.slice(-keep)}` : value)
