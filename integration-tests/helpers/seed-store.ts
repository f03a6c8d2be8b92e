/**
 * Seeds a store that can take a Meum payment: a USD region with the given payment providers, a
 * sales channel, a stock location with stock, a product that needs no shipping (its inventory
 * item has requires_shipping=false and it has no shipping profile, so cart completion needs no
 * shipping method), and a publishable API key. Reused by the demo; free of jest.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import {
  createApiKeysWorkflow,
  createInventoryItemsWorkflow,
  createProductsWorkflow,
  createRegionsWorkflow,
  createSalesChannelsWorkflow,
  createStockLocationsWorkflow,
  linkSalesChannelsToApiKeyWorkflow,
  linkSalesChannelsToStockLocationWorkflow,
} from "@medusajs/core-flows"

export interface SeededStore {
  regionId: string
  salesChannelId: string
  stockLocationId: string
  productId: string
  variantId: string
  inventoryItemId: string
  publishableKey: string
  unitPrice: number
}

export interface SeedOptions {
  paymentProviders?: string[]
  unitPrice?: number
  stock?: number
  /** Region and price currency (default usd). Another currency seeds a second, separate catalogue. */
  currencyCode?: string
}

export async function seedStore(container: MedusaContainer, options: SeedOptions = {}): Promise<SeededStore> {
  const paymentProviders = options.paymentProviders ?? ["pp_meum_meum", "pp_system_default"]
  const unitPrice = options.unitPrice ?? 20.5
  const currency = (options.currencyCode ?? "usd").toLowerCase()
  const suffix = currency === "usd" ? "" : `-${currency}`

  const { result: channels } = await createSalesChannelsWorkflow(container).run({
    input: { salesChannelsData: [{ name: "Meum demo channel" }] },
  })
  const salesChannelId = channels[0].id

  const { result: locations } = await createStockLocationsWorkflow(container).run({
    input: { locations: [{ name: "Meum demo warehouse" }] },
  })
  const stockLocationId = locations[0].id
  await linkSalesChannelsToStockLocationWorkflow(container).run({
    input: { id: stockLocationId, add: [salesChannelId] },
  })

  const { result: regions } = await createRegionsWorkflow(container).run({
    input: {
      regions: [
        currency === "usd"
          ? { name: "United States", currency_code: "usd", countries: ["us"], payment_providers: paymentProviders }
          : { name: `Region ${currency.toUpperCase()}`, currency_code: currency, countries: ["de"], payment_providers: paymentProviders },
      ],
    },
  })
  const regionId = regions[0].id

  const { result: inventoryItems } = await createInventoryItemsWorkflow(container).run({
    input: {
      items: [
        {
          sku: `MEUM-TEE${suffix.toUpperCase()}`,
          title: "Meum tee",
          requires_shipping: false,
          location_levels: [{ location_id: stockLocationId, stocked_quantity: options.stock ?? 10_000 }],
        },
      ],
    },
  })
  const inventoryItemId = inventoryItems[0].id

  const { result: products } = await createProductsWorkflow(container).run({
    input: {
      products: [
        {
          title: "Meum tee",
          handle: `meum-tee${suffix}`,
          status: "published",
          sales_channels: [{ id: salesChannelId }],
          options: [{ title: "Size", values: ["One size"] }],
          variants: [
            {
              title: "One size",
              manage_inventory: true,
              options: { Size: "One size" },
              prices: [{ amount: unitPrice, currency_code: currency }],
              inventory_items: [{ inventory_item_id: inventoryItemId, required_quantity: 1 }],
            },
          ],
        },
      ],
    },
  })
  const product = products[0]

  const { result: keys } = await createApiKeysWorkflow(container).run({
    input: { api_keys: [{ title: "Meum demo storefront", type: "publishable", created_by: "seed" }] },
  })
  await linkSalesChannelsToApiKeyWorkflow(container).run({ input: { id: keys[0].id, add: [salesChannelId] } })

  return {
    regionId,
    salesChannelId,
    stockLocationId,
    productId: product.id,
    variantId: product.variants[0].id,
    inventoryItemId,
    publishableKey: keys[0].token,
    unitPrice,
  }
}
