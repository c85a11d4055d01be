/** Ends every Jest run with one plain line, `<label>: N passed, M failed, K skipped` (label `jest` by default), for CI to read. */
class SummaryReporter {
  constructor(_globalConfig, options = {}) {
    this.label = options.label ?? 'jest';
  }

  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests, numRuntimeErrorTestSuites } = results;
    const failed = numFailedTests + numRuntimeErrorTestSuites;
    process.stdout.write(`\n${this.label}: ${numPassedTests} passed, ${failed} failed, ${numPendingTests + numTodoTests} skipped\n`);
  }
}
module.exports = SummaryReporter;
