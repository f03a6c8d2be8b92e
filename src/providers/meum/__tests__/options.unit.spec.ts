import { MeumPaymentProviderService } from "../service"
import { parseMeumProviderOptions } from "../../../lib/provider-options"

const valid = { apiKey: "sk_live_options_test_123", webhookSecret: "whsec_a" }

describe("provider options", () => {
  it("applies the documented defaults", () => {
    expect(parseMeumProviderOptions(valid)).toEqual({
      apiKey: "sk_live_options_test_123",
      webhookSecret: ["whsec_a"],
      apiBaseUrl: "https://api.meum.io",
      webhookToleranceSeconds: 300,
      allowLegacySignatures: false,
      orderFirst: false,
      orderFirstGraceSeconds: 900,
      invoiceLifetimeMinutes: 60,
      timeoutMs: 10000,
      webhookConcurrency: 4,
      webhookResponseBudgetMs: 5000,
      refunds: "refuse",
      maxInvoicesPerCart: 5,
      invoiceBudgetWindowMinutes: 10,
    })
  })

  it("coerces the strings medusa-config.ts reads from the environment", () => {
    const parsed = parseMeumProviderOptions({
      ...valid,
      webhookSecret: "whsec_new, whsec_old",
      orderFirst: "true",
      allowLegacySignatures: "0",
      webhookToleranceSeconds: "120",
      timeoutMs: "2500",
      webhookConcurrency: "8",
      webhookResponseBudgetMs: "0",
      allowedReturnUrlOrigins: "https://shop.example.com,http://localhost:8000",
      returnUrl: "https://shop.example.com/return?cart={cart_id}&s={session_id}",
      callbackUrl: "",
    })
    expect(parsed).toEqual(
      expect.objectContaining({
        webhookSecret: ["whsec_new", "whsec_old"],
        orderFirst: true,
        allowLegacySignatures: false,
        webhookToleranceSeconds: 120,
        timeoutMs: 2500,
        webhookConcurrency: 8,
        webhookResponseBudgetMs: 0,
        allowedReturnUrlOrigins: ["https://shop.example.com", "http://localhost:8000"],
      })
    )
    expect(parsed.callbackUrl).toBeUndefined()
  })

  it.each([
    [{ webhookSecret: "whsec_a" }, 'option "apiKey" is required'],
    [{ ...valid, apiKey: "pk_live_publishable_999" }, 'option "apiKey" must be a Meum secret key starting with sk_'],
    [{ apiKey: valid.apiKey }, 'option "webhookSecret" is required'],
    [{ ...valid, webhookSecret: " , " }, 'option "webhookSecret"'],
    [{ ...valid, apiBaseUrl: "ftp://meum" }, 'option "apiBaseUrl"'],
    [{ ...valid, orderFirst: "maybe" }, 'option "orderFirst"'],
    [{ ...valid, webhookToleranceSeconds: "-5" }, 'option "webhookToleranceSeconds"'],
    [{ ...valid, returnUrl: "not a url {cart_id}" }, 'option "returnUrl"'],
    [{ ...valid, webhookConcurrency: "0" }, 'option "webhookConcurrency"'],
    [{ ...valid, webhookResponseBudgetMs: "-1" }, 'option "webhookResponseBudgetMs"'],
  ])("validateOptions stops %j with a message naming the option", (options, message) => {
    expect(() => MeumPaymentProviderService.validateOptions(options)).toThrow(message)
  })

  it("never echoes the rejected key", () => {
    const badKey = "pk_live_do_not_print_me"
    let message = ""
    try {
      MeumPaymentProviderService.validateOptions({ ...valid, apiKey: badKey })
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toContain("apiKey")
    expect(message).not.toContain(badKey)
  })
})
