/**
 * Boot checks (issue 18 points 5 and 6): a live store cannot silently talk to a toy, and a store
 * that configured no return URL is told that storefront return URLs are refused.
 */
import { logger } from "@medusajs/framework/logger"
import { MeumPaymentProviderService } from "../service"

const valid = { apiKey: "sk_live_boot_checks_123", webhookSecret: "whsec_a", returnUrl: "https://shop.example.com/return" }

let warnings: string[]
let nodeEnv: string | undefined
beforeEach(() => {
  warnings = []
  nodeEnv = process.env.NODE_ENV
  jest.spyOn(logger, "warn").mockImplementation(((message: string) => void warnings.push(message)) as any)
})
afterEach(() => {
  process.env.NODE_ENV = nodeEnv
  jest.restoreAllMocks()
})

const boot = (options: Record<string, unknown>, env: string) => {
  process.env.NODE_ENV = env
  return () => MeumPaymentProviderService.validateOptions(options)
}

describe("boot: a live store cannot silently talk to a toy", () => {
  it.each([
    ["a plain-http remote Meum", { apiBaseUrl: "http://meum.example.net" }, /option "apiBaseUrl" is not https/],
    ["the sandbox's default key against a remote Meum", { apiKey: "sk_live_sandbox_key", apiBaseUrl: "https://meum-sandbox.example.net" }, /option "apiKey" is the Meum sandbox's default key/],
  ])("refuses %s in production, naming the option", (_label, extra, message) => {
    expect(boot({ ...valid, ...extra }, "production")).toThrow(message)
    expect(boot({ ...valid, ...extra }, "production")).toThrow(/refusing to start in production/)
  })

  it.each([
    ["a plain-http remote Meum", { apiBaseUrl: "http://meum.example.net" }, 'option "apiBaseUrl" is not https'],
    ["the sandbox's default key against a remote Meum", { apiKey: "sk_live_sandbox_key", apiBaseUrl: "https://meum-sandbox.example.net" }, 'option "apiKey"'],
  ])("only warns about %s outside production", (_label, extra, message) => {
    expect(boot({ ...valid, ...extra }, "development")).not.toThrow()
    expect(warnings).toEqual([expect.stringContaining(message)])
  })

  it.each(["http://localhost:9100", "http://127.0.0.1:9100", "http://[::1]:9100"])("accepts the sandbox on this machine (%s) in production, key included", (apiBaseUrl) => {
    expect(boot({ ...valid, apiKey: "sk_live_sandbox_key", apiBaseUrl }, "production")).not.toThrow()
    expect(warnings).toEqual([])
  })

  it("accepts a live https Meum without a word", () => {
    expect(boot(valid, "production")).not.toThrow()
    expect(warnings).toEqual([])
  })

  it("never echoes the key", () => {
    const key = "sk_live_sandbox_key"
    let message = ""
    try {
      boot({ ...valid, apiKey: key, apiBaseUrl: "http://meum.example.net" }, "production")()
    } catch (error) {
      message = String(error)
    }
    expect(message).toContain('option "apiKey"')
    expect(message).not.toContain(key)
  })
})

describe("boot: return URLs", () => {
  it("warns, naming both options, when neither returnUrl nor allowedReturnUrlOrigins is set", () => {
    const { returnUrl: _none, ...withoutReturn } = valid
    expect(boot(withoutReturn, "production")).not.toThrow()
    expect(warnings).toEqual([expect.stringMatching(/"returnUrl".*"allowedReturnUrlOrigins"/)])
  })

  it("says nothing when an allow-list is configured", () => {
    const { returnUrl: _none, ...withoutReturn } = valid
    expect(boot({ ...withoutReturn, allowedReturnUrlOrigins: ["https://shop.example.com"] }, "development")).not.toThrow()
    expect(warnings).toEqual([])
  })
})
