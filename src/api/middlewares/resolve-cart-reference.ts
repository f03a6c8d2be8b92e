/**
 * Runs before Medusa's `POST /store/payment-collections/:id/payment-sessions` for Meum
 * providers. Session `data` is shopper-writable and Medusa stores it merged with the provider's,
 * so only the documented storefront input (`return_url`) passes through; everything else the
 * shopper sent is dropped. It then writes a signed reference to the cart linked to the payment
 * collection (or to the collection itself when no cart is linked), which initiatePayment uses as
 * Meum's external_order_id. See src/lib/cart-reference.ts.
 */
import type { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { CART_REFERENCE_FIELD, signCartReference, type CartReference } from "../../lib/cart-reference"
import { isMeumProviderId, meumRegistrationFor, meumRegistrations } from "../../lib/provider-registry"
import { SHOPPER_MESSAGES } from "../../lib/medusa-errors"
import { collectionFactsOf } from "./request-collection-facts"

type Body = { provider_id?: unknown; data?: unknown }

export async function resolveCartReference(req: MedusaRequest, _res: MedusaResponse, next: MedusaNextFunction) {
  try {
    const body = (req.body ?? {}) as Body
    if (!isMeumProviderId(body.provider_id)) return next()
    // The cart reference is signed with the key of the registration the session is for: that
    // provider (pp_meum_<id>) verifies it in initiatePayment with its own options.
    const provider = meumRegistrationFor(req.scope, body.provider_id)
    const sent = (body.data && typeof body.data === "object" && !Array.isArray(body.data) ? body.data : {}) as Record<string, unknown>
    const data: Record<string, unknown> = "return_url" in sent ? { return_url: sent.return_url } : {}
    if (!provider) {
      // Not one of the store's Meum registrations: Medusa itself refuses an unknown provider —
      // and the shopper's data never passes unfiltered on the way there.
      if (meumRegistrations(req.scope).length > 0) {
        ;(req.body as Body).data = data
        return next()
      }
      // validateOptions registers it at boot, so this means a broken install: fail closed.
      req.scope
        .resolve(ContainerRegistrationKeys.LOGGER)
        .error(`Meum: a payment session was requested for ${String(body.provider_id)} but no such Meum provider is registered (check medusa-config)`)
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, SHOPPER_MESSAGES.unavailable)
    }

    const paymentCollectionId = req.params.id
    // The guard before this middleware has usually read the collection's cart already.
    const collection = collectionFactsOf(req, paymentCollectionId) ?? (await readCollectionCart(req, paymentCollectionId))
    if (collection) {
      const reference: CartReference = collection.cart?.id
        ? { kind: "cart", id: collection.cart.id, paymentCollectionId }
        : { kind: "payment_collection", id: paymentCollectionId, paymentCollectionId }
      data[CART_REFERENCE_FIELD] = signCartReference(reference, provider.options.apiKey)
    }
    req.body = { ...body, data }
    next()
  } catch (error) {
    next(error)
  }
}

async function readCollectionCart(req: MedusaRequest, paymentCollectionId: string): Promise<{ id: string; cart?: { id?: string } | null } | undefined> {
  const query = req.scope.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "payment_collection", fields: ["id", "cart.id"], filters: { id: paymentCollectionId } })
  return data[0] as { id: string; cart?: { id?: string } | null } | undefined
}
