// A jest reporter that appends one JSON line per run ({passed, failed}) to $JEST_SUMMARY_FILE,
// so .ci/run can print one `N passed, N failed` line summed over every jest run. A suite that
// fails before running any test (e.g. Medusa did not boot) counts as one failure, not zero.
const fs = require("node:fs")

class JestSummaryReporter {
  onRunComplete(_contexts, results) {
    const file = process.env.JEST_SUMMARY_FILE
    if (!file) return
    const suitesFailedWithoutTests = results.testResults.filter(
      (suite) => (suite.testExecError || suite.failureMessage) && suite.numFailingTests === 0
    ).length
    const line = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + suitesFailedWithoutTests,
    }
    fs.appendFileSync(file, JSON.stringify(line) + "\n")
  }
}

module.exports = JestSummaryReporter
