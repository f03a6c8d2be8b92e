import { describePlan, planMeumRegions, shipsToRegion, type RegionFacts, type ShippingOptionFacts, type StoreFacts } from "../meum-region-plan"

const us: RegionFacts = { id: "reg_us", name: "United States", currencyCode: "usd", countryCodes: ["us"], paymentProviderIds: ["pp_system_default"] }
const eu: RegionFacts = { id: "reg_eu", name: "Europe", currencyCode: "eur", countryCodes: ["de"], paymentProviderIds: ["pp_system_default"] }
const usShipping: ShippingOptionFacts = { id: "so_us", priceType: "flat", countryCodes: ["us"], priceCurrencies: ["usd"], priceRegionIds: [] }
const store = (over: Partial<StoreFacts> = {}): StoreFacts => ({ meumProviderIds: ["pp_meum_meum"], regions: [us], shippingOptions: [usShipping], ...over })

describe("planMeumRegions", () => {
  it("enables every registered Meum provider in each USD region, keeping the region's other providers", () => {
    const plan = planMeumRegions(store({ meumProviderIds: ["pp_meum_meum_second", "pp_meum_meum"] }))
    expect(plan.changes).toEqual([
      { regionId: "reg_us", regionName: "United States", paymentProviderIds: ["pp_system_default", "pp_meum_meum", "pp_meum_meum_second"], added: ["pp_meum_meum", "pp_meum_meum_second"] },
    ])
    expect(plan.missing).toEqual([])
    expect(plan.warnings).toEqual([])
  })

  it("changes nothing where Meum is already enabled, and says so", () => {
    const plan = planMeumRegions(store({ regions: [{ ...us, paymentProviderIds: ["pp_system_default", "pp_meum_meum"] }] }))
    expect(plan.changes).toEqual([])
    expect(plan.done).toEqual(['region "United States" (reg_us) already offers pp_meum_meum'])
    expect(describePlan(plan, true)).toContain("Meum is ready to take payments in every USD region.")
  })

  it("with no Meum provider registered: says how to register it, and changes nothing", () => {
    const plan = planMeumRegions(store({ meumProviderIds: [] }))
    expect(plan.changes).toEqual([])
    expect(plan.missing).toEqual([expect.stringContaining("No Meum payment provider is registered")])
    expect(plan.missing[0]).toContain("medusa-config.ts")
  })

  it("with no USD region: says to create one; a region in another currency is never changed", () => {
    const plan = planMeumRegions(store({ regions: [eu] }))
    expect(plan.changes).toEqual([])
    expect(plan.missing).toEqual([expect.stringContaining("No region prices in USD")])
  })

  it("names a USD region that has no shipping option for its countries in USD", () => {
    const euOnly: ShippingOptionFacts = { ...usShipping, id: "so_eu", countryCodes: ["de"], priceCurrencies: ["eur"] }
    const plan = planMeumRegions(store({ shippingOptions: [euOnly] }))
    expect(plan.changes.map((c) => c.regionId)).toEqual(["reg_us"]) // still enabled: products without shipping can be paid
    expect(plan.missing).toEqual([expect.stringContaining('region "United States" (reg_us) has no shipping option')])
  })

  it("names a USD region without countries", () => {
    const plan = planMeumRegions(store({ regions: [{ ...us, countryCodes: [] }] }))
    expect(plan.missing).toEqual([expect.stringContaining("has no countries")])
  })

  it("warns about Meum enabled in a non-USD region, without touching it", () => {
    const plan = planMeumRegions(store({ regions: [us, { ...eu, paymentProviderIds: ["pp_meum_meum"] }] }))
    expect(plan.changes.map((c) => c.regionId)).toEqual(["reg_us"])
    expect(plan.warnings).toEqual([expect.stringContaining('region "Europe" (reg_eu) prices in EUR but offers pp_meum_meum')])
    expect(describePlan(plan, false)).toEqual([
      'would enable pp_meum_meum in region "United States" (reg_us)',
      expect.stringMatching(/^warning: region "Europe"/),
    ])
  })
})

describe("shipsToRegion", () => {
  it("needs a zone with one of the region's countries and a price in its currency or for the region; a calculated option needs no price", () => {
    expect(shipsToRegion(usShipping, us)).toBe(true)
    expect(shipsToRegion({ ...usShipping, countryCodes: ["US"] }, us)).toBe(true)
    expect(shipsToRegion({ ...usShipping, countryCodes: ["ca"] }, us)).toBe(false)
    expect(shipsToRegion({ ...usShipping, priceCurrencies: ["eur"] }, us)).toBe(false)
    expect(shipsToRegion({ ...usShipping, priceCurrencies: [], priceRegionIds: ["reg_us"] }, us)).toBe(true)
    expect(shipsToRegion({ ...usShipping, priceType: "calculated", priceCurrencies: [] }, us)).toBe(true)
  })
})
