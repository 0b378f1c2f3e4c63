#!/usr/bin/env node
// `npm test`: every check the project has, in one command, ending with a plain
// "N passed, N failed, N skipped" line that counts every test run. Each stage runs even when an
// earlier one failed, so one run shows everything that is broken. A test that passed only on a
// retry (flaky) counts as failed and is named. Plain Node only: it must work before anything is
// installed (it installs what is missing first).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { playwrightCounts, summaryLine, vitestCounts } from './test-report.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(root, 'test-results');
const total = { pass: 0, fail: 0, skip: 0 };
const lines = [];
const flakyLines = [];

function run(cmd, args, env = {}) {
  const res = spawnSync(cmd, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  return res.status === 0;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function stage(name, fn) {
  console.log(`\n=== ${name} ===`);
  const { ok, pass, fail, skip = 0, flaky = [], note } = fn();
  total.pass += pass;
  total.fail += fail;
  total.skip += skip;
  const notes = [
    ...(flaky.length > 0 ? [`${flaky.length} flaky: failed, then passed on a retry`] : []),
    ...(note ? [note] : []),
  ];
  const counts = `${pass} passed, ${fail} failed${skip > 0 ? `, ${skip} skipped` : ''}`;
  const why = notes.length > 0 ? ` (${notes.join('; ')})` : '';
  lines.push(`${ok && fail === 0 ? 'ok  ' : 'FAIL'} ${name}: ${counts}${why}`);
  for (const test of flaky)
    flakyLines.push(`FLAKY ${test} (passed only on a retry: counted as failed)`);
}

/** A check without test cases (typecheck, lint, format) counts as one test. */
function single(cmd, args) {
  const ok = run(cmd, args);
  return { ok, pass: ok ? 1 : 0, fail: ok ? 0 : 1 };
}

function vitest(project) {
  const out = join(results, `vitest-${project}.json`);
  const flakyOut = join(results, `vitest-${project}-flaky.json`);
  rmSync(out, { force: true });
  rmSync(flakyOut, { force: true });
  const ok = run(
    'npx',
    [
      'vitest',
      'run',
      '--project',
      project,
      '--reporter=default',
      '--reporter=json',
      '--reporter=./scripts/vitest-flaky-reporter.mjs',
      `--outputFile.json=${out}`,
    ],
    { MPQEMU_FLAKY_REPORT: flakyOut },
  );
  const report = readJson(out);
  const flaky = readJson(flakyOut);
  if (!report || !flaky)
    return { ok: false, pass: 0, fail: 1, note: 'no report: the runner crashed' };
  const counts = vitestCounts(report, flaky);
  // A run that failed without a failed test (a file that did not load) is one failure.
  const fail = counts.fail + (ok || counts.fail > 0 ? 0 : 1);
  return {
    ...counts,
    ok,
    fail,
    note: report.numTotalTests === 0 ? 'no tests found' : '',
  };
}

function playwright() {
  const out = join(results, 'e2e-report.json');
  rmSync(out, { force: true });
  const ok = run('npx', ['playwright', 'test', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_FILE: out,
  });
  const report = readJson(out);
  if (!report) return { ok: false, pass: 0, fail: 1, note: 'no report: the runner crashed' };
  const counts = playwrightCounts(report);
  return { ...counts, ok, fail: counts.fail + (ok || counts.fail > 0 ? 0 : 1) };
}

mkdirSync(results, { recursive: true });
stage('setup (system packages, npm dependencies, test guest, web build)', () => {
  const ok = run('bash', ['scripts/prepare.sh', '--with-browser']);
  return { ok, pass: ok ? 1 : 0, fail: ok ? 0 : 1 };
});
stage('typecheck', () => single('npm', ['run', '--silent', 'typecheck']));
stage('lint', () => single('npm', ['run', '--silent', 'lint']));
stage('format', () => single('npm', ['run', '--silent', 'format:check']));
stage('unused files, exports and dependencies (knip)', () =>
  single('npm', ['run', '--silent', 'knip']),
);
stage('unit tests', () => vitest('unit'));
stage('integration tests (real QEMU)', () => vitest('integration'));
stage('end-to-end tests (Chromium, real server and QEMU)', () =>
  existsSync(join(root, 'apps/web/dist/index.html'))
    ? playwright()
    : { ok: false, pass: 0, fail: 1, note: 'the web app did not build' },
);

console.log('\n=== summary ===');
for (const line of [...lines, ...flakyLines]) console.log(line);
console.log(summaryLine(total));
process.exit(total.fail > 0 ? 1 : 0);
