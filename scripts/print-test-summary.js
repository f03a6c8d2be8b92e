// Sums the lines written by jest-summary-reporter.js and prints the closing line CI reads.
const fs = require("node:fs")

const file = process.argv[2]
const lines = file && fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean) : []
const total = lines
  .map((line) => JSON.parse(line))
  .reduce((sum, run) => ({ passed: sum.passed + run.passed, failed: sum.failed + run.failed }), { passed: 0, failed: 0 })
const extraFailures = Number(process.argv[3] || 0)
console.log(`${total.passed} passed, ${total.failed + extraFailures} failed`)
