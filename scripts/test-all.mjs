#!/usr/bin/env node
// `npm test`: every check the project has, in one command, ending with a plain
// "N passed, N failed" line that counts every test run. Each stage runs even when an earlier one
// failed, so one run shows everything that is broken. Plain Node only: it must work before
// anything is installed (it installs what is missing first).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(root, 'test-results');
let passed = 0;
let failed = 0;
const lines = [];

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
  const { ok, pass, fail, note } = fn();
  passed += pass;
  failed += fail;
  lines.push(
    `${ok ? 'ok  ' : 'FAIL'} ${name}: ${pass} passed, ${fail} failed${note ? ` (${note})` : ''}`,
  );
}

/** A check without test cases (typecheck, lint, format) counts as one test. */
function single(cmd, args) {
  const ok = run(cmd, args);
  return { ok, pass: ok ? 1 : 0, fail: ok ? 0 : 1 };
}

function vitest(project) {
  const out = join(results, `vitest-${project}.json`);
  rmSync(out, { force: true });
  const ok = run('npx', [
    'vitest',
    'run',
    '--project',
    project,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${out}`,
  ]);
  const report = readJson(out);
  if (!report) return { ok: false, pass: 0, fail: 1, note: 'no report: the runner crashed' };
  const fail = report.numFailedTests + (ok || report.numFailedTests > 0 ? 0 : 1);
  return {
    ok,
    pass: report.numPassedTests,
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
  const { expected = 0, unexpected = 0, flaky = 0 } = report.stats ?? {};
  const errors = (report.errors ?? []).length;
  return {
    ok,
    pass: expected + flaky,
    fail: unexpected + errors + (ok || unexpected + errors > 0 ? 0 : 1),
  };
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
for (const line of lines) console.log(line);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
