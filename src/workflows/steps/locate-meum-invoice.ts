/**
 * Which invoice this run is about, whose session and which account, and the lock key every writer
 * of that payment collection shares (the webhook route, the job and admin may look at one cart at once).
 */
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { Modules } from "@medusajs/framework/utils"
import { isMeumProviderId } from "../../lib/provider-registry"
import { readStoredSessionData } from "../../lib/session-data"
import { MEUM_LEDGER_MODULE } from "../../modules/meum-ledger"
import type MeumLedgerService from "../../modules/meum-ledger/service"

export interface LocateInput {
  /** The session to reconcile; without one, the ledger row of invoice_id names it. */
  session_id?: string
  invoice_id?: string
  provider_id?: string
}

export interface LocatedInvoice {
  /** Set when there is nothing to reconcile; every later step passes it through. */
  skip?: string
  sessionId: string
  /** The session's own invoice (what it holds now), if the session exists. */
  sessionInvoiceId?: string
  /** The invoice to read: the one the caller named, else the session's. */
  invoiceId?: string
  /** The account to read it at: the session's for its own invoice, else the caller's. */
  providerId?: string
  collectionId?: string
  lockKey?: string
  /** A session Medusa recreated after a failed completion names its predecessor's invoice (it may be paid). */
  previousInvoiceId?: string
}

export const locateMeumInvoiceStep = createStep("locate-meum-invoice", async (input: LocateInput, { container }) => {
  const ledger = container.resolve(MEUM_LEDGER_MODULE) as MeumLedgerService
  const known = !input.session_id && input.invoice_id ? await ledger.findInvoiceRow(input.invoice_id) : undefined
  const sessionId = input.session_id ?? known?.payment_session_id ?? ""
  const [session] = (await container.resolve(Modules.PAYMENT).listPaymentSessions({ id: sessionId }, { select: ["id", "provider_id", "data", "payment_collection_id"] })) as Array<{
    provider_id: string
    data?: Record<string, unknown>
    payment_collection_id?: string
  }>
  const sessionInvoiceId = session ? readStoredSessionData(session.data)?.invoice_id : undefined
  const invoiceId = input.invoice_id ?? sessionInvoiceId
  const previous = session?.data?.meum_previous_invoice_id
  const previousInvoiceId = typeof previous === "string" && previous !== sessionInvoiceId && invoiceId === sessionInvoiceId ? previous : undefined
  const located: LocatedInvoice = { sessionId, sessionInvoiceId, invoiceId, previousInvoiceId }
  if (!invoiceId) return new StepResponse<LocatedInvoice>({ ...located, skip: session ? "the session has no invoice" : "no such payment session" })
  if (session && !isMeumProviderId(session.provider_id)) return new StepResponse<LocatedInvoice>({ ...located, skip: "not a Meum session" })
  const row = session?.payment_collection_id ? undefined : known ?? (await ledger.findInvoiceRow(invoiceId))
  const collectionId = session?.payment_collection_id ?? row?.payment_collection_id ?? undefined
  const providerId = invoiceId === sessionInvoiceId ? session!.provider_id : input.provider_id ?? session?.provider_id ?? row?.provider_id
  return new StepResponse<LocatedInvoice>({ ...located, collectionId, providerId, lockKey: `meum:reconcile:${collectionId ?? invoiceId}` })
})
