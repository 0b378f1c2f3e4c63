import { defineConfig } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CHROMIUM_ARGS, findChromium } from './e2e/chromium.ts';

/** The server the tests start: its own port, a fixed token, a store that starts empty. */
export const E2E_PORT = Number(process.env.MPQEMU_E2E_PORT ?? 7799);
export const E2E_TOKEN = 'e2e-token-0123456789abcdef0123456789abcdef';
export const E2E_BASE_URL = `http://127.0.0.1:${E2E_PORT}`;

const root = import.meta.dirname;
// The config is evaluated again in each worker; only the main process's value reaches the server,
// so the directory is named by an env var it sets for its children.
process.env.MPQEMU_E2E_DATA_DIR ??= join(root, 'test-results', 'e2e-data', String(Date.now()));
const dataDir = resolve(process.env.MPQEMU_E2E_DATA_DIR);
mkdirSync(dataDir, { recursive: true });

const CI = !!process.env.CI;
// Looked up, never required, here: the config also loads for knip and `--list` on machines without
// a browser. When there is none, global-setup.ts stops the run with NO_CHROMIUM before any test.
const chromium = findChromium();

export default defineConfig({
  testDir: './e2e',
  // Playwright empties outputDir at start; keep it apart from the report, screenshots and data.
  outputDir: './test-results/e2e-artifacts',
  forbidOnly: CI,
  // A test that fails in CI runs once more, with a trace, so the report tells a flaky test (failed,
  // then passed) from a broken one; either way the run fails, and `npm test` names the flaky ones.
  retries: CI ? 1 : 0,
  failOnFlakyTests: true,
  // Two cores and real QEMU processes: one test at a time.
  workers: 1,
  fullyParallel: false,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e-report.json' }]],
  globalSetup: './e2e/global-setup.ts',
  use: {
    baseURL: E2E_BASE_URL,
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    // The app follows prefers-color-scheme; the specs and their screenshots use the dark theme
    // unless they ask for the light one.
    colorScheme: 'dark',
    trace: 'on-first-retry',
    screenshot: 'only-on-failure',
    launchOptions: {
      args: CHROMIUM_ARGS,
      ...(chromium === null ? {} : { executablePath: chromium }),
    },
  },
  webServer: {
    // The real server, compiled, with the built web app (the test command builds apps/web first;
    // the server is rebuilt here when its sources are newer than the build).
    command:
      'node scripts/build-server.mjs --if-stale && node --enable-source-maps apps/server/dist/main.js',
    url: `${E2E_BASE_URL}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      MPQEMU_HOST: '127.0.0.1',
      MPQEMU_PORT: String(E2E_PORT),
      MPQEMU_TOKEN: E2E_TOKEN,
      MPQEMU_DATA_DIR: dataDir,
    },
  },
});
