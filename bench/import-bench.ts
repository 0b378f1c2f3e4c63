/**
 * Import of pasted command lines at 2,000, 8,000 and 16,000 NICs (the last is 1 MB of text):
 * median of 3 each, next to the target for the 1 MB paste (issue #22: it did not finish in 60 s).
 * Run: node --import tsx bench/import-bench.ts
 */
import { cpus, loadavg } from 'node:os';
import { importCommandLines } from '@mpqemu/shared';
import { manyNics } from '../packages/shared/test/support/many-nics.ts';

const TARGET_MS = 1_000;
let missed = false;
for (const n of [2_000, 8_000, 16_000]) {
  const text = manyNics(n);
  const times: number[] = [];
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    const result = importCommandLines(text);
    times.push(performance.now() - t0);
    if (result.topology?.devices.length !== n) throw new Error(`${n} NICs: not all imported`);
  }
  const median = [...times].sort((a, b) => a - b)[1] ?? 0;
  const kb = (text.length / 1024).toFixed(0);
  const verdict = n === 16_000 ? (median <= TARGET_MS ? 'ok' : 'MISSED') : '';
  if (verdict === 'MISSED') missed = true;
  const target = n === 16_000 ? `target <= ${TARGET_MS} ms` : '';
  console.log(
    `import ${String(n).padStart(6)} NICs (${kb.padStart(5)} KiB) ${median.toFixed(0).padStart(6)} ms  ${target} ${verdict}`,
  );
}
console.log(`load average ${(loadavg()[0] ?? 0).toFixed(2)} on ${cpus().length} cores`);
process.exit(missed ? 1 : 0);
