/**
 * A paid invoice whose Medusa session is gone: find the session that now stands for its cart and
 * make it the invoice's session, so the order can still be placed.
 *
 * How it happens (measured on Medusa 2.21, bench 4 and a forced failure): when cart completion
 * fails after the payment was authorized — a lock timeout in a webhook burst, a database blip —
 * Medusa's compensation refunds/cancels the payment (Meum cannot: no refund API, paid is never
 * cancelled) and then replaces the cart's payment session: the paid session is deleted and a
 * fresh pending one is created with a new, unpaid invoice. Meum's retry of `invoice.paid` then
 * names a session that no longer exists; without this, it is acknowledged and the paid order is
 * lost, and the shopper's complete fails on the new unpaid invoice.
 *
 * Adoption happens only when all of this holds: the invoice is paid as asked (the caller checks);
 * its metadata names the cart (written server-side at creation, read back from Meum — not from the
 * webhook body); the cart has no order; exactly one live Meum session of the cart asks for the same
 * amount and currency and is not paid itself. That session's unpaid invoice is cancelled at Meum
 * (so the shopper cannot pay twice) and its data then points at the paid invoice.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ContainerRegistrationKeys, MathBN, Modules } from "@medusajs/framework/utils"
import type { MeumClient } from "../../lib/meum/client"
import { MeumApiError } from "../../lib/meum/errors"
import { askedFromMetadata, cartIdOfInvoice, metadataSessionId, meumAmountsEqual, toMeumAmount, type Invoice } from "../../lib/meum/invoice"
import { isMeumProviderId, meumRegistrationFor, publicInvoiceFacts, readStoredSessionData, sameMeumAccount, type MeumRegistration } from "../../lib/provider-registry"
import { withdrawManualRefunds, withdrawnRefundLog } from "../../lib/manual-refund-notes"
import { collectionOfCart, orderOfCart } from "./reconcile-read-and-record"

export type AdoptionResult =
  | { adopted: true; sessionId: string; paymentCollectionId: string; replacedInvoiceId?: string }
  | { adopted: false; reason: string }

const ADOPTABLE_STATUSES = ["pending", "requires_more", "error"]

interface SessionRow {
  id: string
  status: string
  provider_id: string
  amount: unknown
  currency_code: string
  data: Record<string, unknown>
}

export async function adoptOrphanedPaidInvoice(
  container: MedusaContainer,
  registration: Pick<MeumRegistration, "providerId" | "client">,
  invoice: Invoice,
  orphanedSessionId: string
): Promise<AdoptionResult> {
  const client: MeumClient = registration.client
  const cartId = cartIdOfInvoice(invoice)
  if (!cartId) return { adopted: false, reason: "the invoice names no cart" }

  const collectionId = await collectionOfCart(container, cartId)
  if (!collectionId) return { adopted: false, reason: `cart ${cartId} has no payment collection` }

  const payment = container.resolve(Modules.PAYMENT)
  const sessions = (await payment.listPaymentSessions({ payment_collection_id: collectionId })) as unknown as SessionRow[]
  const meumSessions = sessions.filter((session) => isMeumProviderId(session.provider_id))
  // Already adopted (by an earlier delivery, whatever became of that session's status since).
  const holder = meumSessions.find((session) => readStoredSessionData(session.data)?.invoice_id === invoice.id)
  if (holder) return { adopted: true, sessionId: holder.id, paymentCollectionId: collectionId }
  if (await orderOfCart(container, cartId)) return { adopted: false, reason: `cart ${cartId} already has an order` }

  const asked = askedFromMetadata(invoice)
  // The session's own amount and currency (server-written; Medusa captures that amount), not its data.
  const asksTheSame = (session: SessionRow) => {
    if (!readStoredSessionData(session.data) || session.currency_code.toUpperCase() !== asked.currency.toUpperCase()) return false
    try {
      return meumAmountsEqual(toMeumAmount(session.amount, session.currency_code), asked.amount, asked.currency)
    } catch {
      return false
    }
  }
  // Only a session of a registration on the invoice's Meum account: another account's provider
  // could not read the invoice, and the replaced invoice is cancelled through this client. (Two
  // registrations may share an account — e.g. an order-first region — so the account decides,
  // not which registration the webhook or the job happened to come through.)
  const onThisAccount = (providerId: string) => {
    if (providerId === registration.providerId) return true
    const other = meumRegistrationFor(container, providerId)
    const own = meumRegistrationFor(container, registration.providerId)
    return Boolean(other && own && sameMeumAccount(other, own))
  }
  const candidates = meumSessions.filter(
    (session) => onThisAccount(session.provider_id) && ADOPTABLE_STATUSES.includes(session.status) && asksTheSame(session)
  )
  if (candidates.length !== 1) {
    return { adopted: false, reason: `cart ${cartId} has ${candidates.length} Meum sessions that could stand for the paid invoice` }
  }
  const [session] = candidates
  const stored = readStoredSessionData(session.data)!

  // The replacement session's own invoice must stop being payable — unless it was paid too.
  try {
    await client.cancelInvoice(stored.invoice_id)
  } catch (error) {
    if (!(error instanceof MeumApiError) || error.kind !== "final") throw error
    const own = await client.getInvoice(stored.invoice_id)
    if (own.status === "paid" || own.status === "underpaid") {
      return { adopted: false, reason: `the cart's current invoice ${own.id} was paid as well: review both in Meum` }
    }
  }
  await payment.updatePaymentSession({
    id: session.id,
    amount: session.amount as number,
    currency_code: session.currency_code,
    data: {
      ...session.data,
      ...publicInvoiceFacts(invoice),
      meum_adopted_from_session: orphanedSessionId,
      meum_replaced_invoice_id: stored.invoice_id,
    },
  })
  return { adopted: true, sessionId: session.id, paymentCollectionId: collectionId, replacedInvoiceId: stored.invoice_id }
}

/**
 * After the adopting session captured the invoice, the payment Medusa captured for the replaced
 * session is a second record of the same money (its refund failed: Meum has none). It is cancelled
 * through the Payment module so exactly one live captured payment stands for the invoice (the
 * provider's cancel never cancels a paid invoice at Meum). Returns the ids it cancelled.
 */
export async function retireDuplicatePaymentRecords(
  container: MedusaContainer,
  paymentCollectionId: string,
  invoiceId: string,
  keepSessionId: string
): Promise<string[]> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "payment",
    fields: ["id", "payment_session_id", "canceled_at", "data"],
    filters: { payment_collection_id: paymentCollectionId },
  })
  const payments = data as Array<{
    id: string
    payment_session_id?: string | null
    canceled_at?: Date | string | null
    data?: Record<string, unknown> | null
  }>
  const payment = container.resolve(Modules.PAYMENT)
  const duplicates = payments.filter(
    (record) => record.payment_session_id !== keepSessionId && !record.canceled_at && record.data?.invoice_id === invoiceId
  )
  for (const record of duplicates) {
    await payment.cancelPayment(record.id)
    // Its Capture row too: Medusa sums the captures of every payment of the collection, cancelled
    // ones included, so it would count the same money twice (captured_amount = 2 × paid).
    const captures = (await payment.listCaptures({ payment_id: record.id })) as Array<{ id: string }>
    if (captures.length) await payment.deleteCaptures(captures.map((capture) => capture.id))
    // And any Refund Medusa's failed-checkout compensation recorded for it (refunds: "manual"
    // accepts it): that money is the adopted order's, nobody is owed a refund. The payment's
    // refund notes say so too, so admin data and logs give the same instruction.
    const refunds = (await payment.listRefunds({ payment_id: record.id })) as Array<{ id: string }>
    if (refunds.length) {
      await payment.deleteRefunds(refunds.map((refund) => refund.id))
      if (Array.isArray(record.data?.meum_manual_refunds)) {
        // The payment module's update takes data too (its DTO type lists only the id).
        await payment.updatePayment({ id: record.id, data: withdrawManualRefunds(record.data) } as never)
      }
      container.resolve(ContainerRegistrationKeys.LOGGER).warn(withdrawnRefundLog(invoiceId, refunds.length))
    }
  }
  if (duplicates.length) await recomputeCapturedAmount(container, paymentCollectionId)
  return duplicates.map((record) => record.id)
}

/** captured_amount = the captures of the collection's live payments (Medusa recomputes it only on its own operations). */
async function recomputeCapturedAmount(container: MedusaContainer, paymentCollectionId: string): Promise<void> {
  const payment = container.resolve(Modules.PAYMENT)
  const payments = (await payment.listPayments({ payment_collection_id: paymentCollectionId } as never, { relations: ["captures", "refunds"] })) as Array<{
    canceled_at?: Date | string | null
    captures?: Array<{ amount: unknown }>
    refunds?: Array<{ amount: unknown }>
  }>
  let captured = MathBN.convert(0)
  let refunded = MathBN.convert(0)
  for (const record of payments) {
    if (record.canceled_at) continue
    for (const capture of record.captures ?? []) captured = MathBN.add(captured, capture.amount as number)
    for (const refund of record.refunds ?? []) refunded = MathBN.add(refunded, refund.amount as number)
  }
  // The payment module's update takes the computed fields too (its DTO type lists fewer).
  await payment.updatePaymentCollections(paymentCollectionId, { captured_amount: captured, refunded_amount: refunded } as never)
}

export interface AdoptedInvoice {
  /** The session that now holds the paid invoice, with what the capture branch needs. */
  sessionId?: string
  cartId?: string
  paymentCollectionId?: string
  reason?: string
}

/**
 * The step: a live session of the invoice's cart takes the paid invoice. No compensation: the
 * session's data pointing at the paid invoice is what a retry needs, and its own unpaid invoice,
 * once cancelled at Meum, stays cancelled.
 */
export const adoptPaidInvoiceStep = createStep(
  "adopt-paid-meum-invoice",
  async ({ invoice, providerId, fallbackSessionId }: { invoice: Invoice; providerId: string; fallbackSessionId: string }, { container }) => {
    // The session the invoice was created for (its metadata), else the one this run started from.
    const sessionId = metadataSessionId(invoice) ?? fallbackSessionId
    const registration = meumRegistrationFor(container, providerId)!
    const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
    const adoption = await adoptOrphanedPaidInvoice(container as unknown as MedusaContainer, registration, invoice, sessionId)
    if (!adoption.adopted) {
      logger.error(`Meum invoice ${invoice.id} is PAID but its payment session ${sessionId} no longer holds it and it cannot be attached to its cart (${adoption.reason}): place or refund the order by hand`)
      return new StepResponse<AdoptedInvoice>({ reason: adoption.reason })
    }
    if (adoption.replacedInvoiceId) {
      logger.warn(`Meum invoice ${invoice.id} is paid but Medusa had replaced its payment session ${sessionId}: session ${adoption.sessionId} adopted it (its own invoice ${adoption.replacedInvoiceId} was cancelled)`)
    }
    return new StepResponse<AdoptedInvoice>({ sessionId: adoption.sessionId, paymentCollectionId: adoption.paymentCollectionId, cartId: cartIdOfInvoice(invoice) })
  }
)
