/** `npm test`'s counts: a test that passed only on a retry is a failure, and is named. */
import { describe, expect, it } from 'vitest';
import { playwrightCounts, summaryLine, vitestCounts } from '../../scripts/test-report.mjs';

/** The shape of a real Playwright JSON report (retries: 1), cut down to what is counted. */
const PLAYWRIGHT_REPORT = {
  stats: { expected: 1, skipped: 1, unexpected: 1, flaky: 2 },
  errors: [],
  suites: [
    {
      title: 'a.spec.ts',
      specs: [
        { title: 'top flaky', file: 'a.spec.ts', tests: [{ status: 'flaky' }] },
        { title: 'skipped', file: 'a.spec.ts', tests: [{ status: 'skipped' }] },
        { title: 'broken', file: 'a.spec.ts', tests: [{ status: 'unexpected' }] },
      ],
      suites: [
        {
          title: 'outer',
          specs: [{ title: 'fine', file: 'a.spec.ts', tests: [{ status: 'expected' }] }],
          suites: [
            {
              title: 'inner',
              specs: [{ title: 'flaky one', file: 'a.spec.ts', tests: [{ status: 'flaky' }] }],
              suites: [],
            },
          ],
        },
      ],
    },
  ],
};

describe('playwrightCounts', () => {
  it('counts flaky tests as failed and names each with its describe blocks', () => {
    expect(playwrightCounts(PLAYWRIGHT_REPORT)).toEqual({
      pass: 1,
      fail: 3,
      skip: 1,
      flaky: ['a.spec.ts › top flaky', 'a.spec.ts › outer › inner › flaky one'],
    });
  });

  it('counts an error outside any test (a global setup that threw) as a failure', () => {
    const report = { stats: { expected: 0 }, errors: [{ message: 'no Chromium on PATH' }] };
    expect(playwrightCounts(report)).toEqual({ pass: 0, fail: 1, skip: 0, flaky: [] });
  });
});

describe('vitestCounts', () => {
  it('moves the flaky tests from passed to failed; skipped and todo are skipped', () => {
    const report = { numPassedTests: 5, numFailedTests: 1, numPendingTests: 2, numTodoTests: 1 };
    expect(vitestCounts(report, ['x.test.ts › group > flaky'])).toEqual({
      pass: 4,
      fail: 2,
      skip: 3,
      flaky: ['x.test.ts › group > flaky'],
    });
  });
});

it('ends with the "N passed, N failed" line, skipped after it', () => {
  expect(summaryLine({ pass: 7, fail: 2, skip: 1 })).toBe('7 passed, 2 failed, 1 skipped');
});
