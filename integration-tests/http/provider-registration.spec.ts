import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { Modules } from "@medusajs/framework/utils"
import { meumRegistrations } from "../../src/lib/provider-registry"

jest.setTimeout(120 * 1000)

// Options come from the environment, as medusa-config.ts reads them. No Meum call happens at
// boot, so an unreachable base URL is fine here.
process.env.MEUM_API_KEY = "sk_live_registration_test_key"
process.env.MEUM_WEBHOOK_SECRET = "whsec_registration_test"
process.env.MEUM_API_BASE_URL = "http://127.0.0.1:9"
// Half a second account (no webhook secret): medusa-config registers no second provider.
process.env.MEUM_SECOND_ACCOUNT_API_KEY = "sk_live_registration_second_key"
delete process.env.MEUM_SECOND_ACCOUNT_WEBHOOK_SECRET
afterAll(() => {
  delete process.env.MEUM_SECOND_ACCOUNT_API_KEY
})

medusaIntegrationTestRunner({
  testSuite: ({ getContainer }) => {
    describe("provider registration", () => {
      it("registers pp_meum_meum with the Payment Module, enabled", async () => {
        const paymentModule = getContainer().resolve(Modules.PAYMENT)
        const providers = await paymentModule.listPaymentProviders({})
        const meum = providers.find((provider) => provider.id === "pp_meum_meum")
        expect(meum).toEqual(expect.objectContaining({ id: "pp_meum_meum", is_enabled: true }))
        // The system provider is always there too: the module loaded ours alongside it.
        expect(providers.map((provider) => provider.id)).toContain("pp_system_default")
      })

      it("without MEUM_SECOND_ACCOUNT_WEBHOOK_SECRET nothing changes: one Meum registration, pp_meum_meum", async () => {
        const paymentModule = getContainer().resolve(Modules.PAYMENT)
        const providers = await paymentModule.listPaymentProviders({})
        expect(providers.map((provider) => provider.id).filter((id) => id.startsWith("pp_meum"))).toEqual(["pp_meum_meum"])
        const registrations = meumRegistrations(getContainer())
        expect(registrations.map((r) => [r.providerId, r.registrationId, r.options.apiKey])).toEqual([["pp_meum_meum", "meum", "sk_live_registration_test_key"]])
      })
    })
  },
})
