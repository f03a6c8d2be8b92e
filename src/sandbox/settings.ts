/**
 * The sandbox's behaviour switches: where Meum's published docs allow several behaviours, the
 * default is the least convenient one for a client; the others are opt-in. Readable and
 * writable at run time (`sandbox.settings.dedupe = "open"`, `POST /sandbox/settings`), validated
 * on every write. A sandbox reset does not touch them (they are configuration, not state).
 */
import { z } from "zod"

/** Invoice ids: lowercase v4 UUIDs like the developers landing page, or `inv_` + 32 hex. */
export const ID_STYLES = ["uuid", "inv"] as const
/** What a create with an already used external_order_id does (meum-api.md §9, CONFLICT C3). */
export const DEDUPE_MODES = ["any", "open", "off", "conflict"] as const
/** `checkout_url` of a closed invoice: `null` as the API reference documents, or kept. */
export const CLOSED_CHECKOUT_URL_MODES = ["null", "keep"] as const
/** Body of GET /v1/invoices/{id}/status: only the documented fields, or with status/id/paid_amount. */
export const STATUS_BODY_MODES = ["minimal", "full"] as const
/** Body of the create answer (201 and the dedupe 200): the landing page's shape, or the full object. */
export const CREATE_RESPONSE_MODES = ["landing", "full"] as const

export type IdStyle = (typeof ID_STYLES)[number]
export type DedupeMode = (typeof DEDUPE_MODES)[number]
export type ClosedCheckoutUrlMode = (typeof CLOSED_CHECKOUT_URL_MODES)[number]
export type StatusBodyMode = (typeof STATUS_BODY_MODES)[number]
export type CreateResponseMode = (typeof CREATE_RESPONSE_MODES)[number]

/** The output asset of the developers landing page's create example. */
export const LANDING_PAGE_OUTPUT_ASSET = "nep141:sol-c800a4bd850783ccb82c2b2c7e84175443606352.omft.near"

export const settingsSchema = z.strictObject({
  idStyle: z.enum(ID_STYLES),
  dedupe: z.enum(DEDUPE_MODES),
  closedCheckoutUrl: z.enum(CLOSED_CHECKOUT_URL_MODES),
  statusBody: z.enum(STATUS_BODY_MODES),
  createResponse: z.enum(CREATE_RESPONSE_MODES),
  outputAsset: z.string().min(1).max(200),
  payoutWalletConfigured: z.boolean(),
})
export type SandboxSettingsValues = z.infer<typeof settingsSchema>

/** A patch of the settings; `dedupeByExternalOrderId` is the legacy boolean (true → "open", false → "off"). */
export const settingsPatchSchema = settingsSchema.partial().extend({ dedupeByExternalOrderId: z.boolean().optional() }).strict()
export type SandboxSettingsPatch = z.infer<typeof settingsPatchSchema>

export const DEFAULT_SETTINGS: Readonly<SandboxSettingsValues> = Object.freeze({
  idStyle: "uuid",
  dedupe: "any",
  closedCheckoutUrl: "null",
  statusBody: "minimal",
  createResponse: "landing",
  outputAsset: LANDING_PAGE_OUTPUT_ASSET,
  payoutWalletConfigured: true,
})

/** The legacy boolean as a dedupe mode. */
export const dedupeFromLegacy = (enabled: boolean): DedupeMode => (enabled ? "open" : "off")

const check = <K extends keyof SandboxSettingsValues>(key: K, value: unknown): SandboxSettingsValues[K] => {
  const parsed = settingsSchema.shape[key].safeParse(value)
  if (!parsed.success) {
    throw new TypeError(`Meum sandbox: invalid value for setting ${key}: ${JSON.stringify(value)}`)
  }
  return parsed.data as SandboxSettingsValues[K]
}

export class SandboxSettings implements SandboxSettingsValues {
  private values: SandboxSettingsValues

  constructor(initial: Partial<SandboxSettingsValues> & { dedupeByExternalOrderId?: boolean } = {}) {
    this.values = { ...DEFAULT_SETTINGS }
    this.patch(initial)
  }

  get idStyle(): IdStyle {
    return this.values.idStyle
  }
  set idStyle(value: IdStyle) {
    this.values.idStyle = check("idStyle", value)
  }

  get dedupe(): DedupeMode {
    return this.values.dedupe
  }
  set dedupe(value: DedupeMode) {
    this.values.dedupe = check("dedupe", value)
  }

  get closedCheckoutUrl(): ClosedCheckoutUrlMode {
    return this.values.closedCheckoutUrl
  }
  set closedCheckoutUrl(value: ClosedCheckoutUrlMode) {
    this.values.closedCheckoutUrl = check("closedCheckoutUrl", value)
  }

  get statusBody(): StatusBodyMode {
    return this.values.statusBody
  }
  set statusBody(value: StatusBodyMode) {
    this.values.statusBody = check("statusBody", value)
  }

  get createResponse(): CreateResponseMode {
    return this.values.createResponse
  }
  set createResponse(value: CreateResponseMode) {
    this.values.createResponse = check("createResponse", value)
  }

  get outputAsset(): string {
    return this.values.outputAsset
  }
  set outputAsset(value: string) {
    this.values.outputAsset = check("outputAsset", value)
  }

  get payoutWalletConfigured(): boolean {
    return this.values.payoutWalletConfigured
  }
  set payoutWalletConfigured(value: boolean) {
    this.values.payoutWalletConfigured = check("payoutWalletConfigured", value)
  }

  /**
   * Legacy alias of `dedupe`: reads true unless dedupe is "off"; writing true selects "open"
   * (the old behaviour), false selects "off".
   */
  get dedupeByExternalOrderId(): boolean {
    return this.values.dedupe !== "off"
  }
  set dedupeByExternalOrderId(value: boolean) {
    if (typeof value !== "boolean") throw new TypeError("Meum sandbox: dedupeByExternalOrderId must be a boolean")
    this.values.dedupe = dedupeFromLegacy(value)
  }

  /**
   * Applies a patch (undefined fields are ignored). `dedupe` wins over the legacy
   * `dedupeByExternalOrderId` when both are given. Validates everything before changing anything.
   */
  patch(patch: SandboxSettingsPatch): SandboxSettingsValues {
    const { dedupeByExternalOrderId, ...rest } = patch
    const next = { ...this.values }
    for (const [key, value] of Object.entries(rest) as [keyof SandboxSettingsValues, unknown][]) {
      if (value === undefined) continue
      ;(next as Record<string, unknown>)[key] = check(key, value)
    }
    if (rest.dedupe === undefined && dedupeByExternalOrderId !== undefined) {
      if (typeof dedupeByExternalOrderId !== "boolean") throw new TypeError("Meum sandbox: dedupeByExternalOrderId must be a boolean")
      next.dedupe = dedupeFromLegacy(dedupeByExternalOrderId)
    }
    this.values = next
    return this.toJSON()
  }

  toJSON(): SandboxSettingsValues {
    return { ...this.values }
  }
}
