import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { Modules } from "@medusajs/framework/utils"

jest.setTimeout(120 * 1000)

// Options come from the environment, as medusa-config.ts reads them. No Meum call happens at
// boot, so an unreachable base URL is fine here.
process.env.MEUM_API_KEY = "sk_live_registration_test_key"
process.env.MEUM_WEBHOOK_SECRET = "whsec_registration_test"
process.env.MEUM_API_BASE_URL = "http://127.0.0.1:9"

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
    })
  },
})
