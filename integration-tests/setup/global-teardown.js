module.exports = async function globalTeardown() {
  const postgres = globalThis.__MEUM_EMBEDDED_POSTGRES__
  if (postgres) {
    await postgres.stop()
  }
}
