/** The registration an admin route's `:id` names: its medusa-config id (`meum`) or provider id (`pp_meum_meum`). */
import type { AuthenticatedMedusaRequest } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { z } from "zod"
import { meumRegistrations, type MeumRegistration } from "../../../../../lib/provider-registry"

const idSchema = z.string().regex(/^[\w-]{1,100}$/, "must be a registration id such as meum")

export function registrationOfRequest(req: AuthenticatedMedusaRequest): MeumRegistration {
  const parsed = idSchema.safeParse(req.params.id)
  if (!parsed.success) throw new MedusaError(MedusaError.Types.INVALID_DATA, `id: ${parsed.error.issues[0].message}`)
  const registration = meumRegistrations(req.scope).find((r) => r.registrationId === parsed.data || r.providerId === parsed.data)
  if (!registration) throw new MedusaError(MedusaError.Types.NOT_FOUND, `No Meum registration ${parsed.data}`)
  return registration
}
