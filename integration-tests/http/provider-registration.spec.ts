/**
 * What a booted store registers (pp_meum_meum beside the system provider; a half-configured
 * second account registers nothing), and the `enable-meum` exec script run against it.
 */
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { meumRegistrations } from "../../src/lib/provider-registry"
import enableMeum from "../../src/scripts/enable-meum"
import { seedStore } from "../helpers/seed-store"
import { ensureDemoShipping } from "../../scripts/demo/seed-shipping"

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

    // The `enable-meum` exec script against a booted store: it enables the registered Meum provider
    // in USD regions only, keeps each region's other providers, and names what is missing.
    // It needs no Meum either, so it shares this suite's boot.
    describe("the enable-meum exec script", () => {
      /** Runs the script as `medusa exec` would and returns what it told the merchant. */
      async function run(args: string[] = []): Promise<{ lines: string[]; exitCode: number | undefined }> {
        const container = getContainer()
        const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
        const lines: string[] = []
        const info = jest.spyOn(logger, "info").mockImplementation((message: string) => void lines.push(message))
        const warn = jest.spyOn(logger, "warn").mockImplementation((message: string) => void lines.push(message))
        const before = process.exitCode
        try {
          await enableMeum({ container, args } as never)
          return { lines: lines.filter((line) => line.startsWith("enable-meum:")), exitCode: process.exitCode as number | undefined }
        } finally {
          process.exitCode = before
          info.mockRestore()
          warn.mockRestore()
        }
      }

      async function providersOf(regionId: string): Promise<string[]> {
        const query = getContainer().resolve(ContainerRegistrationKeys.QUERY)
        const { data } = await query.graph({ entity: "region", fields: ["payment_providers.id"], filters: { id: regionId } })
        return (data[0].payment_providers ?? []).map((provider: { id: string }) => provider.id).sort()
      }

      it("with no USD region: says to create one and fails (exit code 1)", async () => {
        const { lines, exitCode } = await run()
        expect(lines).toEqual([expect.stringContaining("missing: No region prices in USD")])
        expect(exitCode).toBe(1)
      })

      it("enables pp_meum_meum in the USD region only, keeps its other providers, names the missing shipping option; then, with one, is ready", async () => {
        const us = await seedStore(getContainer(), { paymentProviders: ["pp_system_default"] })
        const eu = await seedStore(getContainer(), { currencyCode: "eur", paymentProviders: ["pp_meum_meum"] })

        const dry = await run(["dry-run"]) // as documented: `medusa exec` passes bare words only
        expect(dry.lines).toContain(`enable-meum: would enable pp_meum_meum in region "United States" (${us.regionId})`)
        expect(await providersOf(us.regionId)).toEqual(["pp_system_default"])

        const first = await run()
        expect(await providersOf(us.regionId)).toEqual(["pp_meum_meum", "pp_system_default"])
        expect(await providersOf(eu.regionId)).toEqual(["pp_meum_meum"]) // another currency is never changed
        expect(first.lines).toEqual(
          expect.arrayContaining([
            `enable-meum: enabled pp_meum_meum in region "United States" (${us.regionId})`,
            expect.stringContaining(`warning: region "Region EUR" (${eu.regionId}) prices in EUR but offers pp_meum_meum`),
            expect.stringContaining(`missing: region "United States" (${us.regionId}) has no shipping option`),
          ])
        )
        expect(first.exitCode).toBe(1)

        await ensureDemoShipping(getContainer(), { stockLocationId: us.stockLocationId })
        const second = await run()
        expect(second.lines.filter((line) => line.includes("missing:"))).toEqual([])
        expect(second.lines).toContain(`enable-meum: ok: region "United States" (${us.regionId}) already offers pp_meum_meum`)
        expect(second.exitCode).toBeUndefined()
      })
    })
  },
})
