// The counts `npm test` (test-all.mjs) takes from the test runners' JSON reports. A test that
// failed and then passed on a retry is flaky and counts as failed: a retry must never turn a
// failure into a pass unseen. Plain Node, like test-all.mjs; pure functions, so they are tested.

/**
 * @typedef {object} Counts
 * @property {number} pass
 * @property {number} fail
 * @property {number} skip
 * @property {string[]} flaky `file › title` of each test that passed only on a retry
 */

/**
 * @typedef {object} PlaywrightSuite
 * @property {string} title the file's name, or the describe block's title
 * @property {PlaywrightSuite[]} [suites]
 * @property {{ title: string, file: string, tests: { status: string }[] }[]} [specs]
 */

/**
 * `file › describe › title` of every flaky test under `suites`.
 * @param {PlaywrightSuite[]} suites
 * @param {string[] | null} describes the describe blocks around them; null for the files' suites
 * @returns {string[]}
 */
function flakyPlaywrightTests(suites, describes = null) {
  return suites.flatMap((suite) => {
    const titles = describes === null ? [] : [...describes, suite.title];
    return [
      ...(suite.specs ?? []).flatMap((spec) =>
        spec.tests
          .filter((t) => t.status === 'flaky')
          .map(() => [spec.file, ...titles, spec.title].join(' › ')),
      ),
      ...flakyPlaywrightTests(suite.suites ?? [], titles),
    ];
  });
}

/**
 * Counts of a Playwright JSON report. Errors outside tests (a global setup that threw, a config
 * that did not load) count as failures too.
 * @param {{ stats?: { expected?: number, unexpected?: number, flaky?: number, skipped?: number },
 *   suites?: PlaywrightSuite[], errors?: unknown[] }} report
 * @returns {Counts}
 */
export function playwrightCounts(report) {
  const { expected = 0, unexpected = 0, flaky = 0, skipped = 0 } = report.stats ?? {};
  const errors = (report.errors ?? []).length;
  return {
    pass: expected,
    fail: unexpected + flaky + errors,
    skip: skipped,
    flaky: flakyPlaywrightTests(report.suites ?? []),
  };
}

/**
 * Counts of a Vitest JSON report, given the flaky tests named by vitest-flaky-reporter.mjs (the
 * JSON report counts them as passed and does not say they were retried).
 * @param {{ numPassedTests: number, numFailedTests: number, numPendingTests: number,
 *   numTodoTests: number }} report
 * @param {string[]} flaky
 * @returns {Counts}
 */
export function vitestCounts(report, flaky) {
  return {
    pass: report.numPassedTests - flaky.length,
    fail: report.numFailedTests + flaky.length,
    skip: report.numPendingTests + report.numTodoTests,
    flaky,
  };
}

/**
 * The line that ends `npm test`'s output.
 * @param {{ pass: number, fail: number, skip: number }} total
 */
export function summaryLine({ pass, fail, skip }) {
  return `${pass} passed, ${fail} failed, ${skip} skipped`;
}
