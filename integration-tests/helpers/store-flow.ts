/** Typed storefront calls over the test runner's axios instance, as a storefront makes them. */
import type { AxiosInstance, AxiosResponse } from "axios"

export interface StoreFlow {
  /** Concurrent carts need distinct emails: Medusa creates a guest customer per new email. */
  createCart(email?: string): Promise<{ id: string; payment_collection?: unknown }>
  addItem(cartId: string, variantId: string, quantity?: number): Promise<unknown>
  updateItemQuantity(cartId: string, quantity: number): Promise<unknown>
  startSession(cartId: string, providerId: string, data?: Record<string, unknown>): Promise<PaymentSessionView>
  getCart(cartId: string): Promise<any>
  complete(cartId: string): Promise<AxiosResponse<any>>
}

export interface PaymentSessionView {
  id: string
  status: string
  provider_id: string
  data: Record<string, any>
  payment_collection_id: string
}

export function storeFlow(api: AxiosInstance, publishableKey: string, regionId: string): StoreFlow {
  const headers = { "x-publishable-api-key": publishableKey }
  const ok = { headers }
  const anyStatus = { headers, validateStatus: () => true }

  const getCart = async (cartId: string) => (await api.get(`/store/carts/${cartId}`, ok)).data.cart

  return {
    async createCart(email = "shopper@example.com") {
      const res = await api.post("/store/carts", { region_id: regionId, email }, ok)
      return res.data.cart
    },
    async addItem(cartId, variantId, quantity = 1) {
      return (await api.post(`/store/carts/${cartId}/line-items`, { variant_id: variantId, quantity }, ok)).data.cart
    },
    async updateItemQuantity(cartId, quantity) {
      const cart = await getCart(cartId)
      const item = cart.items[0]
      return (await api.post(`/store/carts/${cartId}/line-items/${item.id}`, { quantity }, ok)).data.cart
    },
    async startSession(cartId, providerId, data) {
      const cart = await getCart(cartId)
      let collectionId: string | undefined = cart.payment_collection?.id
      if (!collectionId) {
        collectionId = (await api.post("/store/payment-collections", { cart_id: cartId }, ok)).data.payment_collection.id
      }
      const res = await api.post(
        `/store/payment-collections/${collectionId}/payment-sessions`,
        { provider_id: providerId, ...(data ? { data } : {}) },
        anyStatus
      )
      if (res.status !== 200) {
        throw new Error(`payment session creation answered ${res.status}: ${JSON.stringify(res.data)}`)
      }
      const sessions = res.data.payment_collection.payment_sessions as PaymentSessionView[]
      return { ...sessions[0], payment_collection_id: collectionId! }
    },
    getCart,
    async complete(cartId) {
      return api.post(`/store/carts/${cartId}/complete`, {}, anyStatus)
    },
  }
}
