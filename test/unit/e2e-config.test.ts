/**
 * Without a browser, Playwright's config still loads (knip and `playwright test --list` read it),
 * and a run stops before any test with words that say how to install one.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { findChromium, NO_CHROMIUM } from '../../e2e/chromium.ts';
import globalSetup from '../../e2e/global-setup.ts';

const REPO = join(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'mpq-no-chromium-'));
// A PATH with node and nothing else: no Chromium on it.
const bin = join(scratch, 'bin');
mkdirSync(bin);
symlinkSync(process.execPath, join(bin, 'node'));
const env: NodeJS.ProcessEnv = { ...process.env, PATH: bin, MPQEMU_E2E_DATA_DIR: scratch };
delete env.MPQEMU_CHROMIUM;

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it('lists the end-to-end tests on a machine without Chromium', () => {
  expect(findChromium(env)).toBeNull();
  const cli = join(REPO, 'node_modules', '@playwright', 'test', 'cli.js');
  // The list reporter only: the configured JSON one would overwrite the last run's report.
  const out = execFileSync(process.execPath, [cli, 'test', '--list', '--reporter=list'], {
    cwd: REPO,
    env,
    encoding: 'utf8',
  });
  expect(out).toMatch(/Total: [1-9]\d* tests? in \d+ files?/);
});

it('stops the run before any test when there is no Chromium, saying how to get one', async () => {
  const path = process.env.PATH;
  process.env.PATH = bin;
  const chosen = process.env.MPQEMU_CHROMIUM;
  delete process.env.MPQEMU_CHROMIUM;
  try {
    await expect(globalSetup()).rejects.toThrow(NO_CHROMIUM);
  } finally {
    process.env.PATH = path;
    if (chosen !== undefined) process.env.MPQEMU_CHROMIUM = chosen;
  }
  expect(NO_CHROMIUM).toContain('apt-get install chromium');
});
