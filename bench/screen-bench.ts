/**
 * Screen benchmarks (`npx tsx bench/screen-bench.ts`), through the real server, QEMU (TCG) and
 * headless Chromium with the built app, on a VM with the test guest and a VGA:
 *  1. Start → first frame drawn in the Screen tab (the tab opened as soon as the run shows);
 *  2. keystroke through noVNC → its effect on the serial console: `echo kN > /dev/ttyS0` typed on
 *     the screen, time from the Enter key in the page to `kN` in the console's buffer, median of
 *     20 (target ≤ 100 ms);
 *  3. the server's CPU while an idle screen is open, over 10 s (target ≤ 2 % of one core).
 * Starts its own server on a spare port with a fresh data directory; needs `npm run build -w
 * apps/web` and the test guest (`bash scripts/prepare.sh`).
 */
import { chromium, type Page } from '@playwright/test';
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumLaunch } from '../e2e/chromium.ts';

const root = join(import.meta.dirname, '..');
const PORT = Number(process.env.MPQEMU_BENCH_PORT ?? 7813);
const BASE = `http://127.0.0.1:${PORT}`;
const TOKEN = 'bench-token-0123456789abcdef0123456789abcdef';
const NAME = 'bench-screen';
const KEYS = 20;
const KEY_TARGET_MS = 100;
const CPU_TARGET_PERCENT = 2;
const IDLE_MS = 10_000;

function topology() {
  const guest = join(root, '.cache', 'guest');
  return {
    version: 3,
    vm: {
      name: 'bench-screen',
      machine: 'pc',
      accel: 'tcg',
      cpus: 1,
      memoryMiB: 256,
      boot: {
        kind: 'kernel',
        kernel: join(guest, 'vmlinuz'),
        initrd: join(guest, 'initrd.gz'),
        append: 'console=tty0 console=ttyS0 quiet no_timer_check',
      },
      serial: true,
      spareChannels: 0,
    },
    processes: [],
    devices: [{ id: 'vga0', family: 'display', model: 'VGA', placement: { kind: 'main' } }],
    drives: [],
    layout: {},
  };
}

async function startServer(dataDir: string) {
  const server = execa('node', ['apps/server/dist/main.js'], {
    cwd: root,
    env: {
      MPQEMU_HOST: '127.0.0.1',
      MPQEMU_PORT: String(PORT),
      MPQEMU_TOKEN: TOKEN,
      MPQEMU_DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    reject: false,
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      await fetch(`${BASE}/`);
      return { server };
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  server.kill('SIGTERM');
  throw new Error(`the server did not listen on ${BASE} within 30 s`);
}

async function call(path: string, input: unknown): Promise<void> {
  const res = await fetch(`${BASE}/trpc/${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  if (!res.ok) throw new Error(`${path} failed: ${res.status} ${await res.text()}`);
}

/** CPU seconds (user + system) of `pid` so far, from /proc. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** In the page: notes the time of the next Enter keydown, before any handler of the app. */
const NOTE_ENTER = `document.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') { window.__enterAt = performance.now(); }
}, { capture: true, once: true })`;

/**
 * In the page: resolves with the time (ms) from the noted Enter keydown to `marker` on a line of
 * the serial console. A string, since tsx would wrap the page's inner functions in its helpers.
 */
async function timeToSerial(page: Page, runId: string, marker: string): Promise<number> {
  const script = `new Promise((resolve, reject) => {
    const line = new RegExp('^(guest# )?${marker}\\\\s*$', 'm');
    const started = performance.now();
    const poll = () => {
      const text = window.__mpqemuConsoles?.[${JSON.stringify(runId)}]?.() ?? '';
      if (window.__enterAt > 0 && line.test(text)) resolve(performance.now() - window.__enterAt);
      else if (performance.now() - started > 20000) reject(new Error('no ${marker} in: ' + text.slice(-300)));
      else setTimeout(poll, 1);
    };
    poll();
  })`;
  return Number(await page.evaluate(script));
}

async function typeOnScreen(page: Page, text: string): Promise<void> {
  for (const c of text) {
    if (c === '>') await page.keyboard.press('Shift+Period');
    else if (/^[A-Z]$/.test(c)) await page.keyboard.press(`Shift+Key${c}`);
    else await page.keyboard.type(c);
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

const verdict = (ok: boolean) => (ok ? 'within target' : 'OVER TARGET');

async function main(): Promise<void> {
  const launch = chromiumLaunch();
  const dataDir = mkdtempSync(join(tmpdir(), 'mpqemu-screen-bench-'));
  const { server } = await startServer(dataDir);
  const browser = await chromium.launch({ ...launch, headless: true });
  try {
    await call('topologies.save', { name: NAME, topology: topology(), overwrite: true });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${BASE}/?token=${TOKEN}`);
    await page.goto(`${BASE}/?topology=${NAME}`);
    await page.getByTestId('run-start').click();
    const started = Date.now();
    const dialog = page.getByTestId('start-warnings-dialog');
    const tab = page.getByTestId('console-tab-screen');
    await Promise.race([dialog.waitFor(), tab.waitFor()]);
    if (await dialog.isVisible()) await dialog.getByTestId('start-warnings-confirm').click();
    await tab.click();
    const canvas = page.getByTestId('screen-view').locator('canvas');
    await canvas.waitFor();
    // A frame is drawn once any pixel of the canvas is lit (the screen starts black).
    await page.waitForFunction(
      () => {
        const c = document.querySelector<HTMLCanvasElement>('[data-testid="screen-view"] canvas');
        const data = c?.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
        return data?.some((v, i) => i % 4 !== 3 && v > 64) ?? false;
      },
      undefined,
      { polling: 'raf', timeout: 60_000 },
    );
    console.log(`Start → first frame drawn in the Screen tab: ${Date.now() - started} ms`);

    const runId = (await page.getByTestId('run-details').getAttribute('data-run-id')) ?? '';
    // The shell on tty1 is ready once the guest has listed its devices.
    await page.waitForFunction(
      (id) =>
        /mpqemu-guest: pci-done/.test(
          (globalThis as { __mpqemuConsoles?: Record<string, () => string> }).__mpqemuConsoles?.[
            id
          ]?.() ?? '',
        ),
      runId,
      { timeout: 90_000 },
    );
    // The tty1 shell starts right after that line: give it a moment to open its terminal.
    await page.waitForTimeout(2_000);
    await canvas.click();
    const times: number[] = [];
    for (let i = 0; i < KEYS + 1; i++) {
      const marker = `k${i}x`;
      await typeOnScreen(page, `echo ${marker} > /dev/ttyS0`);
      // QEMU paces VNC key events (key-delay-ms, 10 ms each by default): let the command's own
      // keys reach the guest first, so the figure is one keystroke's, not the queue's.
      await page.waitForTimeout(800);
      await page.evaluate(`window.__enterAt = 0; ${NOTE_ENTER}`);
      await page.keyboard.press('Enter');
      const ms = await timeToSerial(page, runId, marker).catch(async (e: unknown) => {
        await page.screenshot({ path: join(tmpdir(), 'screen-bench-failure.png') });
        throw e;
      });
      if (i > 0) times.push(ms); // the first one warms the path up
    }
    const m = median(times);
    console.log(
      `keystroke (Enter) through noVNC → serial console: ${times.map((t) => t.toFixed(0)).join(', ')} ms`,
    );
    console.log(
      `median ${m.toFixed(0)} ms over ${KEYS}; target ≤ ${KEY_TARGET_MS} ms: ${verdict(m <= KEY_TARGET_MS)}`,
    );

    // The same through the serial console itself (xterm → tRPC → ttyS0): what the guest and the
    // console feed cost without the screen, for comparison.
    await page.getByTestId('console-tab-serial').click();
    await page.getByTestId('serial-console-term').click();
    const serial: number[] = [];
    for (let i = 0; i < KEYS + 1; i++) {
      const marker = `s${i}x`;
      await page.keyboard.type(`echo ${marker}`);
      await page.evaluate(`window.__enterAt = 0; ${NOTE_ENTER}`);
      await page.keyboard.press('Enter');
      const ms = await timeToSerial(page, runId, marker);
      if (i > 0) serial.push(ms);
    }
    console.log(
      `for comparison, Enter on the serial console → its output there: median ${median(serial).toFixed(0)} ms over ${KEYS} (${serial.map((t) => t.toFixed(0)).join(', ')} ms)`,
    );
    await page.getByTestId('console-tab-screen').click();
    await canvas.waitFor();

    const pid = server.pid ?? 0;
    await page.waitForTimeout(2_000);
    const before = cpuSeconds(pid);
    await page.waitForTimeout(IDLE_MS);
    const percent = ((cpuSeconds(pid) - before) / (IDLE_MS / 1000)) * 100;
    console.log(
      `server CPU with an idle screen open: ${percent.toFixed(2)} % of one core over ${IDLE_MS / 1000} s; target ≤ ${CPU_TARGET_PERCENT} %: ${verdict(percent <= CPU_TARGET_PERCENT)}`,
    );
  } finally {
    await browser.close();
    server.kill('SIGTERM');
    await server;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
