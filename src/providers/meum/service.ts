/**
 * pp_meum_meum: the Medusa payment provider for Meum invoices. A thin adapter: Medusa inputs
 * (BigNumber amounts, lower-case currency, data.session_id) → Meum client calls, and invoice
 * states → Medusa statuses through the one status table (src/lib/meum/invoice.ts).
 */
import { AbstractPaymentProvider, MedusaError } from "@medusajs/framework/utils"
import { logger as bootLogger } from "@medusajs/framework/logger"
import type {
  AuthorizePaymentInput,
  AuthorizePaymentOutput,
  CancelPaymentInput,
  CancelPaymentOutput,
  CapturePaymentInput,
  CapturePaymentOutput,
  DeletePaymentInput,
  DeletePaymentOutput,
  GetPaymentStatusInput,
  GetPaymentStatusOutput,
  InitiatePaymentInput,
  InitiatePaymentOutput,
  Logger,
  PaymentSessionStatus,
  ProviderWebhookPayload,
  RefundPaymentInput,
  RefundPaymentOutput,
  RetrievePaymentInput,
  RetrievePaymentOutput,
  UpdatePaymentInput,
  UpdatePaymentOutput,
  WebhookActionResult,
} from "@medusajs/framework/types"
import { recentPaidRead, type MeumClient } from "../../lib/meum/client"
import { MeumApiError } from "../../lib/meum/errors"
import {
  askedFromMetadata,
  isOpenInvoiceStatus,
  isPaidAsAsked,
  orderReferenceOf,
  sessionStatusForInvoice,
  toMeumAmount,
  type AskedFor,
  type Invoice,
  type SessionStatus,
} from "../../lib/meum/invoice"
import { CART_REFERENCE_FIELD, verifyCartReference } from "../../lib/cart-reference"
import { publicInvoiceFacts, readStoredSessionData, registerMeumProvider, type StoredSessionData } from "../../lib/provider-registry"
import { isSealedAcceptance } from "../../lib/underpaid-decision-seal"
import { logUnknownStatusOnce } from "../../lib/meum/unknown-status-log"
import { createInvoiceForSession } from "./create-invoice-for-session"
import { SHOPPER_MESSAGES, shopperError, toMedusaError, type OperatorLog } from "../../lib/medusa-errors"
import { isSecureOrLocalUrl } from "../../lib/meum/local-url"
import { parseMeumProviderOptions, type MeumProviderOptions } from "../../lib/provider-options"
import { checkOptionsAtBoot } from "../../lib/boot-checks"
import { manualRefundNote, recordedRefundLog } from "../../lib/manual-refund-notes"
import { resolveReturnUrl } from "./return-url"
import { webhookActionAndData } from "../../lib/webhook-action"

type Data = Record<string, unknown>

export const MEUM_CURRENCY = "USD"

/** Medusa amount → Meum decimal string, or an INVALID_DATA MedusaError naming the problem. */
function meumAmountOf(amount: unknown, currency: string, log: OperatorLog): string {
  try {
    return toMeumAmount(amount, currency)
  } catch (error) {
    throw toMedusaError(error, "preparing the invoice amount", log)
  }
}

/**
 * Meum invoices are USD-denominated, and what it does with another currency is not documented
 * (no list of supported currencies, no rate lock durations). A non-USD region is refused before
 * any invoice exists, with a message the shopper can act on; the boot check warns the merchant.
 */
function requireUsd(currencyCode: string): string {
  const currency = String(currencyCode ?? "").toUpperCase()
  if (currency !== MEUM_CURRENCY) {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `Paying with crypto through Meum is available for USD prices only (this cart is in ${currency || "an unknown currency"}). Please choose another payment method.`
    )
  }
  return currency
}

/**
 * Session data keys the storefront may set (Medusa merges its `data` into ours). Every other
 * key it sent is cleared from the stored session, so nothing it wrote can be read back later.
 */
const STOREFRONT_INPUTS = new Set(["return_url", "session_id"])

const clearStorefrontKeys = (data: Data): Data =>
  Object.fromEntries(Object.keys(data).filter((key) => !STOREFRONT_INPUTS.has(key)).map((key) => [key, undefined]))

// Medusa's PaymentSessionStatus enum and our literal union must stay the same set.
const asMedusaStatus = (status: SessionStatus): PaymentSessionStatus => status as PaymentSessionStatus

export class MeumPaymentProviderService extends AbstractPaymentProvider<MeumProviderOptions> {
  static override identifier = "meum"

  protected readonly options_: MeumProviderOptions
  protected readonly client_: MeumClient
  protected readonly logger_: Logger

  /**
   * Runs at boot, once per registration: validates, and shares the configuration with the
   * plugin's routes/jobs (several registrations — several Meum accounts — each get their own entry).
   */
  static override validateOptions(options: Record<string, unknown>): void {
    const parsed = parseMeumProviderOptions(options)
    checkOptionsAtBoot(parsed, { nodeEnv: process.env.NODE_ENV, warn: (message) => bootLogger.warn(message) })
    registerMeumProvider(parsed)
  }

  constructor(container: Record<string, unknown>, options: Record<string, unknown>) {
    const parsed = parseMeumProviderOptions(options)
    super(container, parsed)
    this.options_ = parsed
    this.logger_ = (container.logger as Logger | undefined) ?? (console as unknown as Logger)
    this.client_ = registerMeumProvider(parsed).client
  }

  private get mode() {
    return this.options_.orderFirst ? ("order_first" as const) : ("pay_first" as const)
  }

  async initiatePayment(input: InitiatePaymentInput): Promise<InitiatePaymentOutput> {
    const data = (input.data ?? {}) as Data
    const sessionId = String(data.session_id ?? input.context?.idempotency_key ?? "")
    if (!sessionId) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, "Meum: the payment session id is missing")
    }
    const currency = requireUsd(input.currency_code)
    const amount = meumAmountOf(input.amount, currency, this.logger_)

    const reference = verifyCartReference(data[CART_REFERENCE_FIELD], this.options_.apiKey)
    if (!reference) {
      // The plugin's middleware did not run (plugin not loaded?) or the token was forged.
      this.logger_.warn(`Meum: no server-resolved cart for session ${sessionId}; using the session id as external_order_id`)
    }
    const cartId = reference?.kind === "cart" ? reference.id : undefined
    const orderReference = reference?.id ?? sessionId
    const returnUrl = resolveReturnUrl(this.options_, data.return_url, { cartId, sessionId })

    const { invoice, externalOrderId } = await createInvoiceForSession(
      this.client_,
      {
        amount,
        currency,
        ...(returnUrl ? { return_url: returnUrl } : {}),
        ...(this.options_.callbackUrl ? { callback_url: this.options_.callbackUrl } : {}),
        metadata: {
          medusa_session_id: sessionId,
          ...(cartId ? { medusa_cart_id: cartId } : {}),
          ...(reference ? { medusa_payment_collection_id: reference.paymentCollectionId } : {}),
          medusa_amount: amount,
          medusa_currency: currency,
        },
      },
      { amount, currency, sessionId },
      this.logger_,
      { reference: orderReference }
    )
    requireSafeCheckoutUrl(invoice, this.logger_)
    return {
      id: invoice.id,
      status: asMedusaStatus(sessionStatusForInvoice(invoice.status, this.mode)),
      data: {
        // undefined is dropped when Medusa stores the merged data: this removes the signed cart
        // reference (not for browsers) and anything else the storefront slipped in.
        ...clearStorefrontKeys(data),
        ...(returnUrl ? { return_url: returnUrl } : {}),
        ...publicInvoiceFacts(invoice),
        session_id: sessionId,
        external_order_id: externalOrderId,
        ...(cartId ? { cart_id: cartId } : {}),
        ...previousInvoiceHint(data, invoice.id),
      },
    }
  }

  async authorizePayment(input: AuthorizePaymentInput): Promise<AuthorizePaymentOutput> {
    return this.liveStatus(input.data)
  }

  async getPaymentStatus(input: GetPaymentStatusInput): Promise<GetPaymentStatusOutput> {
    return this.liveStatus(input.data)
  }

  async retrievePayment(input: RetrievePaymentInput): Promise<RetrievePaymentOutput> {
    const stored = this.requireStored(input.data)
    const invoice = await this.fetchInvoice(stored.invoice_id, "reading the Meum invoice")
    return { data: this.withFacts(input.data, invoice, stored) }
  }

  /** Meum settles on payment: capture only confirms the invoice is paid, it never moves money. */
  async capturePayment(input: CapturePaymentInput): Promise<CapturePaymentOutput> {
    const stored = this.requireStored(input.data)
    const invoice = await this.fetchInvoice(stored.invoice_id, "confirming the Meum payment")
    if (!isPaidAsAsked(invoice, this.asked(stored, invoice)) && !this.acceptedUnderpayment(input.data, invoice, stored)) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `Meum invoice ${invoice.id} is ${invoice.status}${invoice.status === "paid" ? " with a different amount or currency" : ""}: nothing to capture.`
      )
    }
    return { data: this.withFacts(input.data, invoice, stored) }
  }

  async refundPayment(input: RefundPaymentInput): Promise<RefundPaymentOutput> {
    if (this.options_.refunds !== "manual") {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        "Meum has no merchant refund API: refund the shopper outside Medusa (e.g. from your settlement wallet), then record it in your books — or set the provider option refunds: \"manual\" to record such refunds here."
      )
    }
    // refunds: "manual": the money moves outside Meum; Medusa records the refund, we note it
    // (pending: adoption may withdraw it, see manual-refund-notes.ts).
    const data = (input.data ?? {}) as Data
    const stored = readStoredSessionData(data)
    const currency = stored?.currency ?? "USD"
    const amount = meumAmountOf(input.amount, currency, this.logger_)
    const note = manualRefundNote(amount, currency)
    const previous = Array.isArray(data.meum_manual_refunds) ? (data.meum_manual_refunds as unknown[]) : []
    this.logger_.warn(recordedRefundLog(stored?.invoice_id ?? "?", amount, currency))
    return { data: { ...data, meum_manual_refunds: [...previous, note] } }
  }

  async cancelPayment(input: CancelPaymentInput): Promise<CancelPaymentOutput> {
    return this.cancelInvoiceOf(input.data)
  }

  /**
   * Medusa deletes sessions whenever the cart changes: the invoice must stop being payable. A Meum
   * outage must not stop the shopper from editing their cart, so a failed cancel is logged and the
   * reconcile job cancels the invoice once Meum answers (cancel-abandoned-invoices.ts); until
   * then a payment of it is never captured for the changed cart (its amount no longer matches).
   */
  async deletePayment(input: DeletePaymentInput): Promise<DeletePaymentOutput> {
    try {
      return await this.cancelInvoiceOf(input.data)
    } catch (error) {
      const stored = readStoredSessionData(input.data)
      this.logger_.warn(
        `Meum invoice ${stored?.invoice_id ?? "?"} of a deleted payment session could not be cancelled now (${(error as Error).message}): the reconcile job will cancel it`
      )
      return { data: input.data ?? {} }
    }
  }

  async updatePayment(input: UpdatePaymentInput): Promise<UpdatePaymentOutput> {
    const data = (input.data ?? {}) as Data
    const stored = readStoredSessionData(data)
    const currency = requireUsd(input.currency_code)
    const amount = meumAmountOf(input.amount, currency, this.logger_)
    if (!stored) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, "Meum: this payment session has no invoice to update")
    }
    if (stored.amount === amount && stored.currency.toUpperCase() === currency) {
      return { data }
    }
    const cancelled = await this.cancelInvoiceOf(data)
    if ((cancelled.data as Data | undefined)?.status === "paid") {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Meum invoice ${stored.invoice_id} is already paid: its amount cannot change.`)
    }
    const sessionId = stored.session_id ?? String(data.session_id ?? "")
    const returnUrl = resolveReturnUrl(this.options_, data.return_url, { cartId: stored.cart_id, sessionId })
    const { invoice, externalOrderId } = await createInvoiceForSession(
      this.client_,
      {
        amount,
        currency,
        ...(this.options_.callbackUrl ? { callback_url: this.options_.callbackUrl } : {}),
        ...(returnUrl ? { return_url: returnUrl } : {}),
        metadata: {
          medusa_session_id: sessionId,
          ...(stored.cart_id ? { medusa_cart_id: stored.cart_id } : {}),
          medusa_amount: amount,
          medusa_currency: currency,
        },
      },
      { amount, currency, sessionId },
      this.logger_,
      {
        reference: orderReferenceOf(stored.external_order_id ?? stored.cart_id ?? sessionId),
        previousExternalOrderId: stored.external_order_id,
      }
    )
    return {
      status: asMedusaStatus(sessionStatusForInvoice(invoice.status, this.mode)),
      data: {
        ...data,
        ...publicInvoiceFacts(invoice),
        session_id: sessionId,
        external_order_id: externalOrderId,
      },
    }
  }

  async getWebhookActionAndData(payload: ProviderWebhookPayload["payload"]): Promise<WebhookActionResult> {
    return webhookActionAndData(payload, this.options_, this.client_, this.logger_)
  }

  // -- helpers --------------------------------------------------------------------------------

  private requireStored(data: Data | undefined): StoredSessionData {
    const stored = readStoredSessionData(data)
    if (!stored) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, "Meum: this payment has no invoice")
    }
    return stored
  }

  /** Only a decision the admin route sealed for this session and invoice counts (see the seal). */
  private acceptedUnderpayment(data: Data | undefined, invoice: Invoice, stored: StoredSessionData): boolean {
    if (invoice.status !== "underpaid" || !invoice.paid_amount || !stored.session_id) return false
    return isSealedAcceptance(data, { sessionId: stored.session_id, invoiceId: invoice.id, paidAmount: invoice.paid_amount }, this.options_.apiKey)
  }

  /**
   * What the session asked for: as this provider wrote it into the invoice's metadata at creation
   * and Meum reads it back (the provider cannot reach the ledger, where the workflow reads it from);
   * the session's data only when Meum returned no such metadata — session data is shopper-writable.
   */
  private asked(stored: StoredSessionData, invoice: Invoice): AskedFor {
    const written = invoice.metadata?.medusa_amount !== undefined && invoice.metadata?.medusa_currency !== undefined
    const { amount, currency } = written ? askedFromMetadata(invoice) : stored
    return { amount, currency, sessionId: stored.session_id }
  }

  /**
   * The invoice, from Meum — or from a paid read of it made seconds ago in this process (the
   * reconcile workflow's read, just before Medusa asks authorize and capture about the same invoice).
   */
  private async fetchInvoice(id: string, doing: string): Promise<Invoice> {
    const recent = recentPaidRead(this.client_, id)
    if (recent) return recent
    try {
      return await this.client_.getInvoice(id)
    } catch (error) {
      throw toMedusaError(error, doing, this.logger_)
    }
  }

  private withFacts(data: Data | undefined, invoice: Invoice, stored: StoredSessionData): Data {
    const paidAsAsked = invoice.status !== "paid" || isPaidAsAsked(invoice, this.asked(stored, invoice))
    const { meum_flag: _previousFlag, reported_status: _previousReport, ...rest } = (data ?? {}) as Data
    return {
      ...rest,
      ...publicInvoiceFacts(invoice),
      // The amount/currency the session asked for stay ours; Meum's are in the facts' paid_amount.
      amount: stored.amount,
      currency: stored.currency,
      last_checked_at: new Date().toISOString(),
      ...(paidAsAsked ? {} : { meum_flag: "amount_mismatch" }),
      ...(invoice.status === "underpaid" ? { meum_flag: "underpaid" } : {}),
    }
  }

  /**
   * The invoice record decides. (The /status endpoint is not asked: it has no published schema,
   * and an "open" answer from it could outvote an invoice that is already paid; a paid answer
   * would still need the invoice for the amount checks, so it would save no read.)
   */
  private async liveStatus(data: Data | undefined): Promise<{ status: PaymentSessionStatus; data: Data }> {
    const stored = readStoredSessionData(data)
    if (!stored) {
      return { status: asMedusaStatus("error"), data: { ...(data ?? {}), meum_flag: "no_invoice" } }
    }
    const invoice = await this.fetchInvoice(stored.invoice_id, "checking the Meum invoice")
    if (invoice.status === "unknown") logUnknownStatusOnce(this.logger_, invoice, stored.session_id)
    const paidAsAsked = invoice.status !== "paid" || isPaidAsAsked(invoice, this.asked(stored, invoice))
    if (this.acceptedUnderpayment(data, invoice, stored)) {
      // The merchant accepted the shortfall: authorized, and only what was received is captured.
      return { status: asMedusaStatus("authorized"), data: this.withFacts(data, invoice, stored) }
    }
    return {
      status: asMedusaStatus(sessionStatusForInvoice(invoice.status, this.mode, paidAsAsked)),
      data: this.withFacts(data, invoice, stored),
    }
  }

  private async cancelInvoiceOf(data: Data | undefined): Promise<{ data: Data }> {
    const stored = readStoredSessionData(data)
    // No invoice (e.g. deletePayment after a failed initiate gets the storefront's data).
    if (!stored) return { data: data ?? {} }
    try {
      const invoice = await this.client_.cancelInvoice(stored.invoice_id)
      return { data: this.withFacts(data, invoice, stored) }
    } catch (error) {
      if (error instanceof MeumApiError && error.status === 404) return { data: data ?? {} }
      if (!(error instanceof MeumApiError) || error.kind !== "final") throw toMedusaError(error, "cancelling the Meum invoice", this.logger_)
    }
    // Meum refused the cancel: the invoice is already terminal. Paid is never cancelled.
    const invoice = await this.fetchInvoice(stored.invoice_id, "reading the Meum invoice")
    if (isOpenInvoiceStatus(invoice.status)) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Meum refused to cancel open invoice ${invoice.id}: cancel it in Meum's Merchant Admin`)
    }
    if (invoice.status === "paid") {
      this.logger_.warn(
        `Meum invoice ${invoice.id} is already paid (${invoice.paid_amount ?? stored.amount} ${stored.currency}): it was not cancelled and NOTHING was refunded — Meum has no refund API, return the money to the shopper outside Meum`
      )
    }
    return { data: this.withFacts(data, invoice, stored) }
  }
}

/**
 * A checkout_url is handed to the storefront as a link only when it is https (or http on this
 * machine: the local sandbox). Anything else means the store talks to something that is not
 * Meum's live API: refuse the shopper, tell the operator (the job cancels the orphaned invoice).
 */
function requireSafeCheckoutUrl(invoice: Invoice, log: OperatorLog): void {
  if (invoice.checkout_url === null || invoice.checkout_url === undefined || isSecureOrLocalUrl(invoice.checkout_url)) return
  log.error(`Meum invoice ${invoice.id} came with a checkout_url that is not https: it was not shown to the shopper. Check the provider option apiBaseUrl (it must be Meum's live API).`)
  throw shopperError(SHOPPER_MESSAGES.unavailable)
}

/**
 * When Medusa recreates a session after a failed completion it hands initiatePayment the old
 * session's data, whose invoice may be paid. Keeping its id lets the reconcile job adopt that
 * invoice even if every webhook retry is spent (src/workflows/steps/adopt-paid-invoice.ts checks everything;
 * a storefront-supplied id is only a hint and cannot attach an invoice to another cart).
 */
function previousInvoiceHint(data: Record<string, unknown>, newInvoiceId: string): { meum_previous_invoice_id?: string } {
  const previous = data.invoice_id
  return typeof previous === "string" && previous !== "" && previous !== newInvoiceId ? { meum_previous_invoice_id: previous } : {}
}
