/**
 * The demo's Medusa env: a merchant's own storefront (DEMO_STOREFRONT_ORIGINS) is added to the
 * store's CORS and to the allowed return-URL origins, next to the demo's storefront and whatever
 * the caller's env already set — nothing is overwritten.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { demoEnv } = require("../env")

const ports = { medusa: 9110, storefront: 8110, sandbox: 4010 }
const base = { ports, databaseUrl: "postgres://u:p@localhost:1/medusa_demo", apiKey: "sk_live_k", webhookSecret: "whsec_s", meumApiBaseUrl: "http://127.0.0.1:4010" }
const list = (value: string) => value.split(",")

it("adds each DEMO_STOREFRONT_ORIGINS origin to STORE_CORS, AUTH_CORS and the allowed return-URL origins", () => {
  const env = demoEnv({ ...base, processEnv: { DEMO_STOREFRONT_ORIGINS: "http://localhost:8000, https://shop.example.com/" } })
  for (const name of ["STORE_CORS", "MEUM_ALLOWED_RETURN_URL_ORIGINS"]) {
    expect(list(env[name])).toEqual(["http://localhost:8110", "http://localhost:8000", "https://shop.example.com"])
  }
  expect(list(env.AUTH_CORS)).toEqual(["http://localhost:9110", "http://localhost:8110", "http://localhost:8000", "https://shop.example.com"])
  expect(env.ADMIN_CORS).toBe("http://localhost:9110")
})

it("keeps the STORE_CORS, AUTH_CORS, ADMIN_CORS and return-URL origins the caller's env already has", () => {
  const env = demoEnv({
    ...base,
    processEnv: {
      STORE_CORS: "http://localhost:3000",
      AUTH_CORS: "http://localhost:3000",
      ADMIN_CORS: "http://localhost:7001",
      MEUM_ALLOWED_RETURN_URL_ORIGINS: "http://localhost:3000",
      DEMO_STOREFRONT_ORIGINS: "http://localhost:3000",
    },
  })
  expect(list(env.STORE_CORS)).toEqual(["http://localhost:3000", "http://localhost:8110"])
  expect(list(env.MEUM_ALLOWED_RETURN_URL_ORIGINS)).toEqual(["http://localhost:3000", "http://localhost:8110"])
  expect(list(env.AUTH_CORS)).toEqual(["http://localhost:3000", "http://localhost:9110", "http://localhost:8110"])
  expect(list(env.ADMIN_CORS)).toEqual(["http://localhost:7001", "http://localhost:9110"])
})

it("without DEMO_STOREFRONT_ORIGINS: the demo's own storefront only", () => {
  const env = demoEnv({ ...base, processEnv: {} })
  expect(env.STORE_CORS).toBe("http://localhost:8110")
  expect(env.MEUM_ALLOWED_RETURN_URL_ORIGINS).toBe("http://localhost:8110")
  expect(env.DATABASE_URL).toBe(base.databaseUrl)
  expect(env.PORT).toBe("9110")
  expect(env.MEUM_API_BASE_URL).toBe("http://127.0.0.1:4010")
})

it("refuses an entry that is not an http(s) origin, naming the variable", () => {
  for (const bad of ["localhost:8000", "ftp://x.example", "https://shop.example.com/checkout"]) {
    expect(() => demoEnv({ ...base, processEnv: { DEMO_STOREFRONT_ORIGINS: bad } })).toThrow(/DEMO_STOREFRONT_ORIGINS/)
  }
})
