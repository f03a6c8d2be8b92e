// Two projects: pure unit tests (fast, parallel) and integration tests that boot real Medusa on
// the embedded PostgreSQL started by integration-tests/setup/global-setup.js (two suites at a
// time: each boots its own Medusa on its own database, sandbox and ports).
const transform = {
  "^.+\\.[jt]sx?$": [
    "@swc/jest",
    { jsc: { parser: { syntax: "typescript", decorators: true, tsx: true }, target: "es2021" } },
  ],
}
const common = {
  transform,
  testEnvironment: "node",
  moduleFileExtensions: ["js", "ts", "tsx", "json"],
  modulePathIgnorePatterns: ["dist/", "<rootDir>/.medusa/", "<rootDir>/.demo/", "<rootDir>/.cache/", "<rootDir>/reference-storefront/"],
}

module.exports = {
  reporters: ["default", "<rootDir>/scripts/jest-summary-reporter.js"],
  projects: [
    {
      ...common,
      displayName: "unit",
      testMatch: ["<rootDir>/src/**/__tests__/**/*.unit.spec.[jt]s", "<rootDir>/scripts/**/__tests__/**/*.unit.spec.[jt]s"],
    },
    {
      ...common,
      displayName: "integration",
      testMatch: ["<rootDir>/integration-tests/**/*.spec.[jt]s"],
      globalSetup: "<rootDir>/integration-tests/setup/global-setup.js",
      globalTeardown: "<rootDir>/integration-tests/setup/global-teardown.js",
      setupFiles: ["<rootDir>/integration-tests/setup/per-file.js"],
    },
  ],
}
