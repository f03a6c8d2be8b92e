/**
 * Warns, once shortly after the store starts (Medusa has no plugin boot hook; a scheduled job
 * with one execution is the closest), when a Meum provider is enabled in a region whose currency
 * is not USD. Meum invoices are USD-denominated and its handling of other currencies is not
 * documented, so such a region's shoppers are refused Meum at checkout (with a message they can
 * act on) — the merchant should know before a shopper finds out.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { isMeumProviderId } from "../lib/provider-registry"

export interface NonUsdMeumRegion {
  id: string
  name: string
  currency_code: string
  providers: string[]
}

export async function findNonUsdMeumRegions(container: MedusaContainer): Promise<NonUsdMeumRegion[]> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "region",
    fields: ["id", "name", "currency_code", "payment_providers.id"],
  })
  return (data as Array<{ id: string; name: string; currency_code: string; payment_providers?: Array<{ id: string } | null> }>)
    .map((region) => ({
      id: region.id,
      name: region.name,
      currency_code: region.currency_code,
      providers: (region.payment_providers ?? []).map((provider) => provider?.id).filter((id): id is string => isMeumProviderId(id)),
    }))
    .filter((region) => region.providers.length > 0 && region.currency_code.toLowerCase() !== "usd")
}

export async function warnAboutNonUsdMeumRegions(container: MedusaContainer): Promise<NonUsdMeumRegion[]> {
  const regions = await findNonUsdMeumRegions(container)
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  for (const region of regions) {
    logger.warn(
      `Meum is enabled in region "${region.name}" (${region.id}) whose currency is ${region.currency_code.toUpperCase()}: Meum invoices are in USD, so its shoppers will be refused Meum at checkout. Remove ${region.providers.join(", ")} from that region, or price it in USD.`
    )
  }
  return regions
}

export default async function meumRegionCurrencyCheck(container: MedusaContainer): Promise<void> {
  await warnAboutNonUsdMeumRegions(container)
}

export const config = {
  name: "meum-region-currency-check",
  schedule: "* * * * *",
  numberOfExecutions: 1,
}
