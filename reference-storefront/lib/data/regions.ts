import { getSdk } from "../config"

export interface Region {
  id: string
  name: string
  currency_code: string
}

/** The region that ships to this country, or null (the page then 404s). */
export async function getRegion(countryCode: string): Promise<Region | null> {
  const { regions } = await getSdk().store.region.list({ fields: "id,name,currency_code,*countries", limit: 100 })
  const region = regions.find((r) => r.countries?.some((c) => c.iso_2?.toLowerCase() === countryCode.toLowerCase()))
  return region ? { id: region.id, name: region.name ?? "", currency_code: region.currency_code ?? "usd" } : null
}
