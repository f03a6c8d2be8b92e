// The demo store's delivery: a flat-rate shipping option (USD) in a service zone covering the demo
// region's country, on the demo's stock location, through Medusa's manual fulfillment provider —
// what a standard storefront (e.g. medusajs/dtc-starter) lists at its delivery step. The demo's
// own product needs no shipping; a merchant's storefront asks for a method anyway. Idempotent.
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { createShippingOptionsWorkflow, createShippingProfilesWorkflow } from "@medusajs/core-flows"

export const DEMO_SHIPPING_OPTION_NAME = "Standard shipping (flat rate)"
export const DEMO_SHIPPING_PRICE_USD = 5
const FULFILLMENT_SET_NAME = "Meum demo delivery"
const MANUAL_PROVIDER = "manual_manual"

export async function ensureDemoShipping(container: MedusaContainer, { stockLocationId, countryCode = "us" }: { stockLocationId: string; countryCode?: string }): Promise<string> {
  const fulfillment = container.resolve(Modules.FULFILLMENT)
  const link = container.resolve(ContainerRegistrationKeys.LINK)

  const [existing] = await fulfillment.listShippingOptions({ name: DEMO_SHIPPING_OPTION_NAME })
  if (existing) return existing.id

  let [profile] = await fulfillment.listShippingProfiles({ type: "default" })
  if (!profile) {
    const { result } = await createShippingProfilesWorkflow(container).run({ input: { data: [{ name: "Default Shipping Profile", type: "default" }] } })
    profile = result[0]
  }

  let [set] = await fulfillment.listFulfillmentSets({ name: FULFILLMENT_SET_NAME }, { relations: ["service_zones"] })
  if (!set) {
    set = await fulfillment.createFulfillmentSets({
      name: FULFILLMENT_SET_NAME,
      type: "shipping",
      service_zones: [{ name: `Meum demo: ${countryCode.toUpperCase()}`, geo_zones: [{ type: "country", country_code: countryCode }] }],
    })
    await link.create([
      { [Modules.STOCK_LOCATION]: { stock_location_id: stockLocationId }, [Modules.FULFILLMENT]: { fulfillment_set_id: set.id } },
      { [Modules.STOCK_LOCATION]: { stock_location_id: stockLocationId }, [Modules.FULFILLMENT]: { fulfillment_provider_id: MANUAL_PROVIDER } },
    ])
  }

  const { result } = await createShippingOptionsWorkflow(container).run({
    input: [
      {
        name: DEMO_SHIPPING_OPTION_NAME,
        price_type: "flat",
        provider_id: MANUAL_PROVIDER,
        service_zone_id: set.service_zones[0].id,
        shipping_profile_id: profile.id,
        type: { label: "Standard", description: "Flat rate, delivered in 2-3 days.", code: "standard" },
        prices: [{ currency_code: "usd", amount: DEMO_SHIPPING_PRICE_USD }],
        rules: [
          { attribute: "enabled_in_store", value: "true", operator: "eq" },
          { attribute: "is_return", value: "false", operator: "eq" },
        ],
      },
    ],
  })
  return result[0].id
}
