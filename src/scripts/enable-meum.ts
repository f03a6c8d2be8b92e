/**
 * `npx medusa exec ./node_modules/medusa-payment-meum/.medusa/server/src/scripts/enable-meum.js [dry-run]`
 * (a bare word: Medusa's CLI refuses `--flags` after `exec <file>`; `--dry-run` is accepted too).
 *
 * Enables every registered Meum provider (pp_meum_*) in each USD region of the store and says what
 * is still missing (a Meum registration, a USD region, a shipping option the region's carts can
 * use). Run it after `npx medusa db:migrate`; running it again changes nothing.
 */
import type { ExecArgs } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { updateRegionsWorkflow } from "@medusajs/core-flows"
import { describePlan, planMeumRegions, type StoreFacts } from "./meum-region-plan"

type Row = Record<string, any>

export async function loadStoreFacts(container: ExecArgs["container"]): Promise<StoreFacts> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const providers = await container.resolve(Modules.PAYMENT).listPaymentProviders({})
  const { data: regions } = await query.graph({ entity: "region", fields: ["id", "name", "currency_code", "countries.iso_2", "payment_providers.id"] })
  const { data: options } = await query.graph({
    entity: "shipping_option",
    fields: ["id", "price_type", "service_zone.geo_zones.country_code", "prices.currency_code", "prices.price_rules.attribute", "prices.price_rules.value"],
  })
  return {
    meumProviderIds: providers.filter((p) => p.id.startsWith("pp_meum_") && p.is_enabled).map((p) => p.id),
    regions: (regions as Row[]).map((region) => ({
      id: region.id,
      name: region.name,
      currencyCode: region.currency_code,
      countryCodes: (region.countries ?? []).map((country: Row) => country.iso_2),
      paymentProviderIds: (region.payment_providers ?? []).map((provider: Row) => provider.id),
    })),
    shippingOptions: (options as Row[]).map((option) => ({
      id: option.id,
      priceType: option.price_type ?? null,
      countryCodes: (option.service_zone?.geo_zones ?? []).map((zone: Row) => zone.country_code).filter(Boolean),
      priceCurrencies: (option.prices ?? []).map((price: Row) => price.currency_code).filter(Boolean),
      priceRegionIds: (option.prices ?? []).flatMap((price: Row) => (price.price_rules ?? []).filter((rule: Row) => rule.attribute === "region_id").map((rule: Row) => rule.value)),
    })),
  }
}

export default async function enableMeum({ container, args = [] }: ExecArgs): Promise<void> {
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const dryRun = args.includes("dry-run") || args.includes("--dry-run")
  const plan = planMeumRegions(await loadStoreFacts(container))
  if (!dryRun) {
    for (const change of plan.changes) {
      await updateRegionsWorkflow(container).run({ input: { selector: { id: change.regionId }, update: { payment_providers: change.paymentProviderIds } } })
    }
  }
  for (const line of describePlan(plan, !dryRun)) {
    if (line.startsWith("missing:") || line.startsWith("warning:")) logger.warn(`enable-meum: ${line}`)
    else logger.info(`enable-meum: ${line}`)
  }
  if (plan.missing.length) process.exitCode = 1
}
