/**
 * The development store switches to Medusa's production modules when REDIS_URL is set (event bus,
 * workflow engine, locking, caching on a real Redis started by the harness), and keeps the
 * in-process defaults without it — one medusa-config.ts for both layouts.
 */
import { spawn, spawnSync } from "node:child_process"
import path from "node:path"
import { Client } from "pg"

const { startRedis } = require("../../scripts/lib/redis-server")

jest.setTimeout(180 * 1000)

const root = path.resolve(__dirname, "../..")

const database = `modules_${Date.now()}`

function storeEnv(extraEnv: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const { DB_USERNAME, DB_PASSWORD, DB_HOST, DB_PORT } = process.env
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: `postgres://${DB_USERNAME}:${DB_PASSWORD}@${DB_HOST}:${DB_PORT}/${database}`,
    MEDUSA_DISABLE_TELEMETRY: "true",
    MEUM_API_KEY: "sk_live_modules_test",
    MEUM_WEBHOOK_SECRET: "whsec_modules_test",
    MEUM_API_BASE_URL: "http://127.0.0.1:9",
    LOG_LEVEL: "info",
    ...extraEnv,
  }
  for (const [name, value] of Object.entries(extraEnv)) if (value === undefined) delete env[name]
  return env
}

beforeAll(async () => {
  const { DB_USERNAME, DB_PASSWORD, DB_HOST, DB_PORT } = process.env
  const admin = new Client({ user: DB_USERNAME, password: DB_PASSWORD, host: DB_HOST, port: Number(DB_PORT), database: "postgres" })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${database}`)
  await admin.end()
  const migrated = spawnSync(path.join(root, "node_modules/.bin/medusa"), ["db:migrate"], { cwd: root, env: storeEnv({ REDIS_URL: undefined }), encoding: "utf8" })
  if (migrated.status !== 0) throw new Error(`db:migrate failed:\n${migrated.stdout}\n${migrated.stderr}`)
})

function execWith(extraEnv: Record<string, string | undefined>): Promise<{ code: number | null; output: string }> {
  const env = storeEnv(extraEnv)
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(root, "node_modules/.bin/medusa"), ["exec", "./integration-tests/fixtures/print-modules.ts"], { cwd: root, env })
    let output = ""
    child.stdout.on("data", (chunk) => (output += chunk))
    child.stderr.on("data", (chunk) => (output += chunk))
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, output }))
  })
}

const modulesOf = (output: string) => JSON.parse(/MODULES=(.*)/.exec(output)?.[1] ?? "null")

it("uses Redis-backed event bus, workflow engine and locking when REDIS_URL is set, in-process modules otherwise", async () => {
  const redis = await startRedis()
  try {
    const withRedis = await execWith({ REDIS_URL: redis.url })
    expect(withRedis.code).toBe(0)
    expect(modulesOf(withRedis.output)).toEqual({
      eventBus: "RedisEventBusService",
      workflowEngine: expect.stringMatching(/WorkflowsModuleService/),
      lockingProvider: "locking-redis",
      lockRan: true,
      ledger: "function",
    })
  } finally {
    await redis.stop()
  }
  const alone = await execWith({ REDIS_URL: undefined })
  expect(alone.code).toBe(0)
  expect(modulesOf(alone.output)).toEqual(expect.objectContaining({ eventBus: "LocalEventBusService", lockRan: true }))
})

const SPLIT_WARNING = "medusa-payment-meum: this store runs as a server process, but locking is in-process"

it("warns at boot when split into server/worker processes without shared locking and event bus, and not on Redis", async () => {
  const alone = await execWith({ REDIS_URL: undefined, MEDUSA_WORKER_MODE: "server" })
  expect(alone.code).toBe(0)
  expect(alone.output).toContain(SPLIT_WARNING)
  expect(alone.output).toContain("event-bus-redis")
  // (medusa exec always runs as "server"; the shared default is covered by the loader's unit test.)
  const redis = await startRedis()
  try {
    const onRedis = await execWith({ REDIS_URL: redis.url, MEDUSA_WORKER_MODE: "server" })
    expect(onRedis.code).toBe(0)
    expect(onRedis.output).not.toContain("medusa-payment-meum: this store runs as")
  } finally {
    await redis.stop()
  }
})
