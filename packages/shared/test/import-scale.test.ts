/**
 * Import time grows linearly with the paste (issue #22): a 1 MB paste of 16,000 NICs took more
 * than 60 s (a line and column found by walking the text from its start for every word, a netdev
 * found by scanning every option for every NIC). The bound is generous, to catch the quadratic
 * walk and not a busy machine; `npm run bench` (bench/import-bench.ts) prints the figures.
 */
import { describe, expect, it } from 'vitest';
import { importCommandLines, MAX_IMPORT_CHARS } from '../src/index.ts';
import { manyNics } from './support/many-nics.ts';

describe('importing a large paste', () => {
  it('imports 1 MB of command lines in well under 10 s, with every NIC', () => {
    const text = manyNics(16_000);
    expect(text.length).toBeGreaterThan(1_000_000);
    const t0 = performance.now();
    const result = importCommandLines(text);
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(10_000);
    expect(result.topology?.devices.length).toBe(16_000);
    // The last NIC's line is found at its exact place: the line index is right at the end too.
    const spans = result.issues.flatMap((i) => (i.span ? [i.span.line] : []));
    expect(spans.every((line) => line >= 1 && line <= 16_001)).toBe(true);
  });

  it('refuses a paste over the limit with an error that states it', () => {
    const result = importCommandLines('x'.repeat(MAX_IMPORT_CHARS + 1));
    expect(result.topology).toBeNull();
    expect(result.issues).toEqual([
      {
        severity: 'error',
        message:
          'the text is 4.0 Mi characters; at most 4.0 Mi can be imported: paste the QEMU command lines only',
      },
    ]);
  });
});
