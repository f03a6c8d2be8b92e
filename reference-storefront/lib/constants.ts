import { isMeumProvider } from "@meum/storefront"

/** Titles of payment providers. Lookups must tolerate a provider missing here (`?.` + the raw id). */
export const paymentInfoMap: Record<string, { title: string }> = {
  pp_meum_meum: { title: "Crypto (Meum)" },
  pp_system_default: { title: "Manual payment" },
}

export const paymentTitle = (providerId: string | undefined | null): string =>
  (providerId ? paymentInfoMap[providerId]?.title : undefined) ?? (isMeumProvider(providerId) ? "Crypto (Meum)" : providerId ?? "—")

export const formatMoney = (amount: unknown, currency: string | undefined | null): string => {
  const value = Number(amount ?? 0)
  return new Intl.NumberFormat("en-US", { style: "currency", currency: (currency ?? "usd").toUpperCase() }).format(value)
}
