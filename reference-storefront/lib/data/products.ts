import { getSdk } from "../config"

export interface ShopProduct {
  id: string
  title: string
  variantId: string
  price: number | null
  currency: string
}

/** The shop's first product, priced for the region. */
export async function getFirstProduct(regionId: string): Promise<ShopProduct | null> {
  const { products } = await getSdk().store.product.list({
    region_id: regionId,
    limit: 1,
    fields: "id,title,*variants,*variants.calculated_price",
  })
  const product = products[0]
  const variant = product?.variants?.[0]
  if (!product || !variant) return null
  return {
    id: product.id,
    title: product.title ?? "",
    variantId: variant.id,
    price: variant.calculated_price?.calculated_amount ?? null,
    currency: variant.calculated_price?.currency_code ?? "usd",
  }
}
