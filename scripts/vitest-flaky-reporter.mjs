// A Vitest reporter for `npm test` (test-all.mjs): writes, to the file named by
// MPQEMU_FLAKY_REPORT, the tests that failed and then passed on a retry. Vitest's JSON report
// counts them as passed without saying so; the summary counts them as failed.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';

export default class FlakyReporter {
  /** @param {ReadonlyArray<import('vitest/node').TestModule>} testModules */
  onTestRunEnd(testModules) {
    const out = process.env.MPQEMU_FLAKY_REPORT;
    if (!out) return;
    const flaky = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        if (test.diagnostic()?.flaky)
          flaky.push(`${relative(process.cwd(), module.moduleId)} › ${test.fullName}`);
      }
    }
    writeFileSync(out, JSON.stringify(flaky));
  }
}
