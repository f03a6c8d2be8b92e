/** Setup shared by the store benchmarks: carts with a payment session, made through the store API. */
import axios from "axios"
import type { BenchStore } from "./medusa-store"
import { storeAgent } from "./store-agent"

export async function inParallel<T>(count: number, concurrency: number, run: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count)
  let next = 0
  const worker = async () => {
    while (next < count) {
      const index = next++
      results[index] = await run(index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
  return results
}

export interface CartWithSession {
  cartId: string
  collectionId: string
  sessionId: string
  /** The Meum invoice id (undefined for other providers). */
  invoiceId?: string
}

/** The fewest store calls that give a cart with one item and a session of `providerId`. */
export async function createCartsWithSession(store: BenchStore, count: number, prefix: string, providerId: string): Promise<CartWithSession[]> {
  const agent = storeAgent()
  // Both servers work (the store's and the helper), so both cores are used.
  const apis = store.setupUrls().map((baseURL) => axios.create({ baseURL, httpAgent: agent }))
  const headers = { "x-publishable-api-key": store.seed.publishableKey }
  try {
    return await inParallel(count, 6, async (index) => {
      const api = apis[index % apis.length]
      const { data } = await api.post(
        "/store/carts",
        { region_id: store.seed.regionId, email: `${prefix}-${index}@example.com`, items: [{ variant_id: store.seed.variantId, quantity: 1 }] },
        { headers }
      )
      const cartId: string = data.cart.id
      const collection = await api.post("/store/payment-collections", { cart_id: cartId }, { headers })
      const collectionId: string = collection.data.payment_collection.id
      const created = await api.post(`/store/payment-collections/${collectionId}/payment-sessions`, { provider_id: providerId }, { headers })
      const session = created.data.payment_collection.payment_sessions[0]
      return { cartId, collectionId, sessionId: session.id, invoiceId: session.data?.invoice_id }
    })
  } finally {
    agent.destroy()
  }
}
