import {
  test as base,
  expect,
  type APIRequestContext,
  type Locator,
  type Page,
  type TestInfo,
} from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { E2E_BASE_URL, E2E_TOKEN } from '../playwright.config.ts';
import { DesignerScreen } from './designer-page.ts';

export { expect };

const SCREENSHOT_DIR = join(import.meta.dirname, '..', 'test-results', 'screenshots');

/** Logs the browser in the way a user does: the token once in the URL, then the cookie. */
async function signIn(page: Page): Promise<void> {
  const response = await page.goto(`/?token=${E2E_TOKEN}`);
  expect(response?.ok(), 'the token in the URL must be accepted').toBe(true);
}

/** The run panel: start, stop, the selected run's processes, console and banner. */
export class RunPanel {
  readonly root: Locator;
  readonly details: Locator;
  readonly status: Locator;
  readonly steps: Locator;
  readonly processes: Locator;
  readonly banner: Locator;
  readonly console: Locator;
  /** Stop turns into this while the selected run is stopping. */
  readonly forceStop: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('run-panel');
    this.details = page.getByTestId('run-details');
    this.status = this.details.getByTestId('run-status');
    this.steps = this.details.getByTestId('run-step');
    this.processes = this.details.getByTestId('run-process');
    this.banner = this.details.getByTestId('run-banner');
    this.console = this.details.getByTestId('serial-console');
    this.forceStop = page.getByTestId('run-force-stop');
  }

  /** Clicks Start on a topology with warnings: the dialog must open; confirms it, returns the codes. */
  async startConfirmingWarnings(): Promise<string[]> {
    await this.page.getByTestId('run-start').click();
    const dialog = this.page.getByTestId('start-warnings-dialog');
    await expect(dialog).toBeVisible();
    const codes = await dialog
      .getByTestId('start-warning')
      .evaluateAll((items) => items.map((li) => li.getAttribute('data-code') ?? ''));
    await dialog.getByTestId('start-warnings-confirm').click();
    await expect(dialog).toBeHidden();
    // A start reveals the run panel by itself (the dock switches to its tab).
    await expect(this.root).toBeVisible();
    return codes;
  }

  /** Shows the run panel (the dock's Run tab) when another tab is open. */
  async show(): Promise<void> {
    if (!(await this.root.isVisible())) await this.page.getByTestId('dock-tab-run').click();
    await expect(this.root).toBeVisible();
  }

  async stop(): Promise<void> {
    await this.page.getByTestId('run-stop').click();
  }

  async runId(): Promise<string> {
    const id = await this.details.getAttribute('data-run-id');
    if (id === null) throw new Error('no run selected');
    return id;
  }

  /** Unfolds the start steps (folded once the run is up). */
  async showSteps(): Promise<void> {
    const box = this.details.getByTestId('run-steps-box');
    if ((await box.getAttribute('data-open')) !== 'true') await box.getByRole('button').click();
    await expect(box).toHaveAttribute('data-open', 'true');
  }

  /** Makes the dock taller by dragging its top edge, so the console shows beside the table. */
  async growDock(by: number): Promise<void> {
    const handle = this.page.getByRole('separator', { name: 'Resize panel' });
    const box = await handle.boundingBox();
    if (!box) throw new Error('the dock has no resize handle');
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(x, y);
    await this.page.mouse.down();
    await this.page.mouse.move(x, y - by, { steps: 5 });
    await this.page.mouse.up();
  }

  process(name: string): Locator {
    return this.details.locator(`[data-testid="run-process"][data-process="${name}"]`);
  }

  async pid(name: string): Promise<number> {
    const text = await this.process(name).getByTestId('run-process-pid').innerText();
    const pid = Number(text);
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no pid for ${name}: "${text}"`);
    return pid;
  }

  /** The whole serial console buffer, scrolled-away lines included (from the app's test hook). */
  async consoleText(): Promise<string> {
    const runId = await this.runId();
    return this.page.evaluate((id) => {
      const hooks = (globalThis as { __mpqemuConsoles?: Record<string, () => string> })
        .__mpqemuConsoles;
      return hooks?.[id]?.() ?? '';
    }, runId);
  }

  async expectConsole(text: string | RegExp, timeout = 60_000): Promise<void> {
    await expect.poll(() => this.consoleText(), { timeout }).toMatch(text);
  }

  /** Types into the guest's serial console like a user: focus the terminal, then keys. */
  async typeInConsole(text: string): Promise<void> {
    await this.console.getByTestId('serial-console-term').click();
    await this.page.keyboard.type(text, { delay: 20 });
  }
}

interface RunSummary {
  id: string;
  status: string;
}

/**
 * Calls a tRPC procedure over plain HTTP (no batching, no transformer), as a script would: with
 * the Bearer token, since the server refuses cookie-authenticated POSTs that carry no Origin.
 */
export async function trpc<T>(page: Page, path: string, input?: unknown): Promise<T> {
  const headers = { Authorization: `Bearer ${E2E_TOKEN}` };
  const response =
    input === undefined
      ? await page.request.get(`/trpc/${path}`, { headers })
      : await page.request.post(`/trpc/${path}`, { data: input, headers });
  const text = await response.text();
  if (!response.ok()) throw new Error(`${path} failed: ${response.status()} ${text}`);
  return (JSON.parse(text) as { result: { data: T } }).result.data;
}

/** Stops every run still alive, so one test's QEMUs do not slow the next (two cores). */
async function stopAllRuns(page: Page): Promise<void> {
  const runs = await trpc<RunSummary[]>(page, 'runs.list');
  for (const run of runs) {
    if (run.status !== 'stopped' && run.status !== 'failed') {
      await trpc(page, 'runs.stop', { runId: run.id });
    }
  }
}

/** Keeps a screenshot of a main screen in test-results/screenshots and attaches it to the report. */
async function keepScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  await testInfo.attach(name, { path, contentType: 'image/png' });
  return path;
}

/**
 * The rich sample as the specs open it (`designer.open(SAMPLE)`): saved by the fixture under this
 * name, its drives on images of this test run. The server itself writes no topology: its UI
 * opens the sample as a template.
 */
export const SAMPLE = 'rich-e2e';

interface SampleDoc {
  drives: { image: { path: string; format: string } }[];
}

/**
 * Saves the rich sample as SAMPLE with its drives on images of this test run. QEMU takes a write
 * lock on an image, so a run of the sample elsewhere on the machine (another test suite, a
 * developer's server) would otherwise make every start here fail with "Failed to get write lock".
 */
async function isolateSample(request: APIRequestContext): Promise<void> {
  const dataDir = process.env.MPQEMU_E2E_DATA_DIR;
  if (dataDir === undefined) throw new Error('MPQEMU_E2E_DATA_DIR is set by playwright.config.ts');
  const imageDir = join(dataDir, 'images');
  mkdirSync(imageDir, { recursive: true });
  const got = await request.get('/trpc/topologies.samples');
  expect(got.ok(), await got.text()).toBe(true);
  const samples = (
    (await got.json()) as { result: { data: { id: string; topology: SampleDoc }[] } }
  ).result.data;
  const topology = samples.find((s) => s.id === 'rich')?.topology;
  if (!topology) throw new Error('the server offers no "rich" sample');
  for (const drive of topology.drives) {
    const path = join(imageDir, basename(drive.image.path));
    execFileSync('qemu-img', ['create', '-q', '-f', drive.image.format, path, '16M']);
    drive.image.path = path;
  }
  const saved = await request.post('/trpc/topologies.save', {
    data: { name: SAMPLE, topology, overwrite: true },
  });
  expect(saved.ok(), await saved.text()).toBe(true);
}

interface WorkerFixtures {
  privateSample: undefined;
}

interface Fixtures {
  /** A page already signed in to the test server. */
  app: Page;
  designer: DesignerScreen;
  runPanel: RunPanel;
  keepShot: (name: string) => Promise<string>;
}

export const test = base.extend<Fixtures, WorkerFixtures>({
  privateSample: [
    async ({ playwright }, use) => {
      const request = await playwright.request.newContext({
        baseURL: E2E_BASE_URL,
        extraHTTPHeaders: { Authorization: `Bearer ${E2E_TOKEN}` },
      });
      await isolateSample(request);
      await request.dispose();
      await use(undefined);
    },
    { scope: 'worker', auto: true },
  ],
  app: async ({ page }, use) => {
    await signIn(page);
    await use(page);
    await stopAllRuns(page);
  },
  designer: async ({ app }, use) => {
    await use(new DesignerScreen(app));
  },
  runPanel: async ({ app }, use) => {
    await use(new RunPanel(app));
  },
  keepShot: async ({ app }, use, testInfo) => {
    await use((name) => keepScreenshot(app, testInfo, name));
  },
});
