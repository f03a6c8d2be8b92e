/**
 * What `enable-meum` does to a store, decided from facts alone (pure, unit-tested): which Meum
 * providers to enable in which USD region, and what the merchant still has to do by hand.
 * Meum invoices are USD, so only USD regions get Meum; a region in another currency is never
 * touched, only named when Meum is already enabled in it (its shoppers are refused).
 */

export interface ShippingOptionFacts {
  id: string
  /** "flat" options need a price in the region's currency; "calculated" ones are priced by their provider. */
  priceType: string | null
  countryCodes: string[]
  /** Currency codes of its prices, and the regions its region-specific prices name. */
  priceCurrencies: string[]
  priceRegionIds: string[]
}

export interface RegionFacts {
  id: string
  name: string
  currencyCode: string
  countryCodes: string[]
  paymentProviderIds: string[]
}

export interface StoreFacts {
  /** Meum providers registered (and enabled) in the payment module: pp_meum_<id>. */
  meumProviderIds: string[]
  regions: RegionFacts[]
  shippingOptions: ShippingOptionFacts[]
}

export interface RegionChange {
  regionId: string
  regionName: string
  /** The region's providers after the change (Medusa replaces the whole list). */
  paymentProviderIds: string[]
  added: string[]
}

export interface MeumRegionPlan {
  changes: RegionChange[]
  /** Already right: said so the merchant knows the script looked. */
  done: string[]
  /** What the merchant must fix by hand before a shopper can pay with Meum. */
  missing: string[]
  /** Not blocking, but wrong. */
  warnings: string[]
}

const lower = (value: string) => value.toLowerCase()

/** Can a cart in this region pick this shipping option (zone covers one of its countries, priced for it)? */
export function shipsToRegion(option: ShippingOptionFacts, region: RegionFacts): boolean {
  const countries = new Set(region.countryCodes.map(lower))
  if (!option.countryCodes.some((code) => countries.has(lower(code)))) return false
  if (option.priceType === "calculated") return true
  return option.priceCurrencies.map(lower).includes(lower(region.currencyCode)) || option.priceRegionIds.includes(region.id)
}

export function planMeumRegions(facts: StoreFacts): MeumRegionPlan {
  const plan: MeumRegionPlan = { changes: [], done: [], missing: [], warnings: [] }
  const meum = [...facts.meumProviderIds].sort()
  if (meum.length === 0) {
    plan.missing.push(
      'No Meum payment provider is registered: add { resolve: "medusa-payment-meum/providers/meum", id: "meum", options: {…} } ' +
        "to the providers of @medusajs/medusa/payment in medusa-config.ts (README, quick start), restart, and run this again."
    )
    return plan
  }
  const usd = facts.regions.filter((region) => lower(region.currencyCode) === "usd")
  if (usd.length === 0) {
    plan.missing.push(
      "No region prices in USD, and Meum invoices are USD only: create one (Admin → Settings → Regions → Create, currency USD, " +
        "its countries) and run this again."
    )
  }
  for (const region of usd) {
    const added = meum.filter((id) => !region.paymentProviderIds.includes(id))
    const label = `region "${region.name}" (${region.id})`
    if (added.length) plan.changes.push({ regionId: region.id, regionName: region.name, paymentProviderIds: [...region.paymentProviderIds, ...added], added })
    else plan.done.push(`${label} already offers ${meum.join(", ")}`)
    if (region.countryCodes.length === 0) plan.missing.push(`${label} has no countries: a cart cannot get an address there; add its countries.`)
    else if (!facts.shippingOptions.some((option) => shipsToRegion(option, region)))
      plan.missing.push(
        `${label} has no shipping option priced in USD for its countries: a cart with a product that needs shipping cannot be ` +
          "completed there. Add one (Admin → Settings → Locations & Shipping → a location's shipping → Create option, priced in USD)."
      )
  }
  for (const region of facts.regions) {
    if (lower(region.currencyCode) === "usd") continue
    const enabled = meum.filter((id) => region.paymentProviderIds.includes(id))
    if (enabled.length)
      plan.warnings.push(
        `region "${region.name}" (${region.id}) prices in ${region.currencyCode.toUpperCase()} but offers ${enabled.join(", ")}: ` +
          "Meum takes USD only, so its shoppers are refused. Remove Meum from it (left unchanged here)."
      )
  }
  return plan
}

/** The plan as lines for the terminal. */
export function describePlan(plan: MeumRegionPlan, applied: boolean): string[] {
  const lines: string[] = []
  for (const change of plan.changes)
    lines.push(`${applied ? "enabled" : "would enable"} ${change.added.join(", ")} in region "${change.regionName}" (${change.regionId})`)
  for (const line of plan.done) lines.push(`ok: ${line}`)
  for (const line of plan.warnings) lines.push(`warning: ${line}`)
  for (const line of plan.missing) lines.push(`missing: ${line}`)
  if (plan.missing.length === 0 && plan.warnings.length === 0) lines.push("Meum is ready to take payments in every USD region.")
  return lines
}
