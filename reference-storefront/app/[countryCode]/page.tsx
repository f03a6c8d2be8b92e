import { notFound } from "next/navigation"
import { LastOrderNotice } from "@/components/last-order-notice"
import { addToCart } from "@/lib/data/cart"
import { getFirstProduct } from "@/lib/data/products"
import { getRegion } from "@/lib/data/regions"
import { formatMoney } from "@/lib/constants"

export const dynamic = "force-dynamic"

export default async function ProductPage({ params }: { params: Promise<{ countryCode: string }> }) {
  const { countryCode } = await params
  const region = await getRegion(countryCode)
  if (!region) notFound()
  const product = await getFirstProduct(region.id)
  return (
    <>
      <LastOrderNotice countryCode={countryCode} />
      {product ? (
        <section data-testid="product">
          <h1 data-testid="product-title">{product.title}</h1>
          <p data-testid="product-price">{formatMoney(product.price, product.currency)}</p>
          <form action={addToCart}>
            <input type="hidden" name="countryCode" value={countryCode} />
            <input type="hidden" name="variantId" value={product.variantId} />
            <input type="hidden" name="quantity" value="1" />
            <button type="submit" data-testid="add-to-cart">Add to cart</button>
          </form>
        </section>
      ) : (
        <p data-testid="no-product">Nothing for sale in {region.name}.</p>
      )}
    </>
  )
}
