/**
 * The part of @medusajs/js-sdk's `Medusa` instance the storefront helper uses, written structurally so
 * that this package never imports the SDK (or anything of Medusa's server side). A real
 * `new Medusa({...})` satisfies it.
 */

/** Headers for the store API, e.g. the starter's `getAuthHeaders()` (`{ authorization: "Bearer …" }`). */
export type MeumSdkHeaders = Record<string, string>

export interface MeumStorefrontSdk {
  store: {
    payment: {
      /** Creates the cart's payment collection when it has none, then the payment session. */
      initiatePaymentSession(
        cart: any,
        body: { provider_id: string; data?: Record<string, unknown> },
        query?: Record<string, unknown>,
        headers?: MeumSdkHeaders
      ): Promise<{ payment_collection: any }>
    }
    cart: {
      complete(cartId: string, query?: Record<string, unknown>, headers?: MeumSdkHeaders): Promise<{ type: "order"; order: any } | { type: "cart"; cart: any; error?: any }>
      retrieve(cartId: string, query?: Record<string, unknown>, headers?: MeumSdkHeaders): Promise<{ cart: any }>
    }
  }
}

/** Fields the helper reads from a cart (added to the store API's defaults, which hold `total` and `completed_at`). */
export const MEUM_CART_FIELDS = "+completed_at,+total,*payment_collection,*payment_collection.payment_sessions"

/** The HTTP status of a js-sdk `FetchError` (or anything carrying `status`). */
export const statusOf = (error: unknown): number | undefined => {
  const status = (error as { status?: unknown } | null)?.status
  return typeof status === "number" ? status : undefined
}
