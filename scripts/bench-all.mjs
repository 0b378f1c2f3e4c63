#!/usr/bin/env node
// `npm run bench`: every benchmark, one after the other, each printing its own figures and targets.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benches = [
  'bench/shared-bench.ts',
  'bench/import-bench.ts',
  'bench/cli-bench.ts',
  'bench/launch-bench.ts',
  'bench/fault-bench.ts',
  'bench/live-bench.ts',
  'bench/handshake-bench.ts',
  'bench/jail-bench.ts',
  'bench/flood-bench.ts',
  'bench/web-bench.ts',
  'bench/screen-bench.ts',
];
let failures = 0;
// The CLI and web benchmarks run the compiled server and CLI.
if (
  spawnSync('node', ['scripts/build-server.mjs', '--if-stale'], { cwd: root, stdio: 'inherit' })
    .status !== 0
) {
  failures++;
}
for (const bench of benches) {
  if (!existsSync(join(root, bench))) continue;
  console.log(`\n### ${bench}`);
  const res = spawnSync('node', ['--import', 'tsx', bench], { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) failures++;
}
process.exit(failures > 0 ? 1 : 0);
