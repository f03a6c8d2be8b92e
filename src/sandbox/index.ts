export { startMeumSandbox, DEFAULT_SANDBOX_API_KEY } from "./start-sandbox"
export type { MeumSandbox, MeumSandboxOptions } from "./start-sandbox"
export type { InvoiceEvent, SandboxInvoice, SimulatedOutcome } from "./invoice-store"
export type { Delivery, WebhookEndpoint, WebhookRetry } from "./webhook-sender"
export type { ApiRequest } from "./request-log"
export type { Faults } from "./fault-switches"
export { DEFAULT_SETTINGS, LANDING_PAGE_OUTPUT_ASSET } from "./settings"
export type {
  SandboxSettings,
  SandboxSettingsValues,
  SandboxSettingsPatch,
  IdStyle,
  DedupeMode,
  ClosedCheckoutUrlMode,
  StatusBodyMode,
  CreateResponseMode,
} from "./settings"
