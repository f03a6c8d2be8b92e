/** The registration an admin route's `:id` names: its medusa-config id (`meum`) or provider id (`pp_meum_meum`). */
import type { AuthenticatedMedusaRequest } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { z } from "zod"
import { meumRegistrations, type MeumRegistration } from "../../../../../lib/provider-registry"
import { MEUM_LEDGER_MODULE } from "../../../../../modules/meum-ledger"
import type MeumLedgerService from "../../../../../modules/meum-ledger/service"

const idSchema = z.string().regex(/^[\w-]{1,100}$/, "must be a registration id such as meum")

export function registrationOfRequest(req: AuthenticatedMedusaRequest): MeumRegistration {
  const parsed = idSchema.safeParse(req.params.id)
  if (!parsed.success) throw new MedusaError(MedusaError.Types.INVALID_DATA, `id: ${parsed.error.issues[0].message}`)
  const registration = meumRegistrations(req.scope).find((r) => r.registrationId === parsed.data || r.providerId === parsed.data)
  if (!registration) throw new MedusaError(MedusaError.Types.NOT_FOUND, `No Meum registration ${parsed.data}`)
  return registration
}

/** The store's delivery record of an event id (written by /hooks/meum). */
export const storeDeliveryRecord = (req: AuthenticatedMedusaRequest) => async (eventId: string) => {
  const ledger = req.scope.resolve(MEUM_LEDGER_MODULE) as MeumLedgerService
  const [row] = (await ledger.listMeumWebhookEvents({ event_id: eventId }, { select: ["outcome"], take: 1 })) as Array<{ outcome: string | null }>
  return row
}
