/**
 * A real Medusa boot (`medusa exec`, which loads medusa-config.ts and every module) must stop
 * on bad Meum options with a message naming the option — and never echo the bad key.
 * (A second Meum registration — another account — is no longer refused at boot: it works side by
 * side with the first, see meum-multi-account.spec.ts and provider-registration.spec.ts.)
 */
import { spawn } from "node:child_process"
import path from "node:path"

jest.setTimeout(120 * 1000)

const root = path.resolve(__dirname, "../..")

function bootWith(meumEnv: Record<string, string | undefined>): Promise<{ code: number | null; output: string }> {
  const { DB_USERNAME, DB_PASSWORD, DB_HOST, DB_PORT } = process.env
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: `postgres://${DB_USERNAME}:${DB_PASSWORD}@${DB_HOST}:${DB_PORT}/postgres`,
    MEDUSA_DISABLE_TELEMETRY: "true",
    MEUM_API_BASE_URL: "http://127.0.0.1:9",
    ...meumEnv,
  }
  for (const [name, value] of Object.entries(meumEnv)) if (value === undefined) delete env[name]
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(root, "node_modules/.bin/medusa"), ["exec", "./integration-tests/fixtures/noop-exec.ts"], {
      cwd: root,
      env,
    })
    let output = ""
    child.stdout.on("data", (chunk) => (output += chunk))
    child.stderr.on("data", (chunk) => (output += chunk))
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, output }))
  })
}

describe("provider options at boot", () => {
  it("fails the boot when apiKey is missing, naming the option", async () => {
    const { code, output } = await bootWith({ MEUM_API_KEY: undefined, MEUM_WEBHOOK_SECRET: "whsec_boot" })
    expect(code).not.toBe(0)
    expect(output).toContain('option "apiKey" is required')
  })

  it("fails the boot when apiKey is malformed, naming the option but not echoing the value", async () => {
    const badKey = "pk_live_not_a_secret_key_4242"
    const { code, output } = await bootWith({ MEUM_API_KEY: badKey, MEUM_WEBHOOK_SECRET: "whsec_boot" })
    expect(code).not.toBe(0)
    expect(output).toContain('option "apiKey" must be a Meum secret key starting with sk_')
    expect(output).not.toContain(badKey)
  })

  it("refuses to boot in production against a Meum that is not https, naming the option (issue 18 point 6)", async () => {
    const key = "sk_live_sandbox_key"
    const { code, output } = await bootWith({
      NODE_ENV: "production",
      MEUM_API_KEY: key,
      MEUM_WEBHOOK_SECRET: "whsec_boot",
      MEUM_API_BASE_URL: "http://meum.example.net",
      MEUM_RETURN_URL: "https://shop.example.com/return",
    })
    expect(code).not.toBe(0)
    expect(output).toContain('option "apiBaseUrl" is not https')
    expect(output).toContain('option "apiKey" is the Meum sandbox\'s default key')
    expect(output).not.toContain(key)
  })
})
