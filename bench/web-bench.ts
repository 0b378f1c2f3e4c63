/**
 * Web benchmarks (`npx tsx bench/web-bench.ts`):
 *  1. time from navigation start to a painted canvas of a 300-device topology, headless Chromium,
 *     median of several cold page loads (target ≤ 1.5 s);
 *  2. gzipped size of the initial JavaScript of apps/web/dist (target ≤ 350 KB).
 * Starts its own server on a spare port with a fresh data directory; needs `npm run build -w apps/web`.
 */
import { DEFAULT_RESTART_POLICY, type Topology } from '@mpqemu/shared';
import { chromium, type Browser } from '@playwright/test';
import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromiumLaunch } from '../e2e/chromium.ts';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'apps', 'web', 'dist');
const PORT = Number(process.env.MPQEMU_BENCH_PORT ?? 7797);
const BASE = `http://127.0.0.1:${PORT}`;
const TOKEN = 'bench-token-0123456789abcdef0123456789abcdef';
const DEVICES = 300;
const RUNS = 7;
const PAINT_TARGET_MS = 1500;
const JS_TARGET_BYTES = 350 * 1024;
const NAME = 'bench-300';

/** 100 remote processes with one device each, 200 devices in the main QEMU, 100 drives. */
function benchTopology(): Topology {
  const processes = Array.from({ length: 100 }, (_, i) => ({
    id: `rp${i}`,
    label: `remote ${i}`,
    restart: DEFAULT_RESTART_POLICY,
  }));
  const devices: Topology['devices'] = [];
  const drives: Topology['drives'] = [];
  for (let i = 0; i < DEVICES; i++) {
    const placement =
      i < 100 ? { kind: 'remote' as const, process: `rp${i}` } : { kind: 'main' as const };
    if (i % 3 === 0) {
      devices.push({ id: `dev${i}`, family: 'block', model: 'virtio-blk-pci', placement });
      drives.push({
        id: `disk${i}`,
        model: 'disk-image',
        image: { path: `/var/tmp/bench/disk${i}.qcow2`, format: 'qcow2', readOnly: false },
        attachedTo: `dev${i}`,
      });
    } else if (i % 3 === 1) {
      devices.push({
        id: `dev${i}`,
        family: 'net',
        model: 'e1000e',
        placement,
        backend: { type: 'user', hostForwards: [] },
      });
    } else {
      devices.push({ id: `dev${i}`, family: 'storage', model: 'lsi53c895a', placement });
    }
  }
  return {
    version: 3,
    vm: {
      name: 'bench',
      machine: 'q35',
      accel: 'tcg',
      cpus: 2,
      memoryMiB: 1024,
      boot: { kind: 'none' },
      serial: true,
      spareChannels: 0,
    },
    processes,
    devices,
    drives,
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
      // Wrapped: the subprocess is a promise of its exit, which `return` would wait for.
      return { server };
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  server.kill('SIGTERM');
  throw new Error(`the server did not listen on ${BASE} within 30 s`);
}

/**
 * Installed before the app's scripts: watches every frame for the device nodes to be in the DOM
 * and visible (React Flow hides a node until it has measured it), then records the time of the
 * next frame, i.e. after the browser painted them. Times are from navigation start. A string,
 * since it runs in the page (this file is type-checked without the DOM library).
 */
function paintProbe(ids: readonly string[]): string {
  return `(() => {
    const wanted = new Set(${JSON.stringify(ids)});
    const check = () => {
      let seen = 0;
      for (const el of document.querySelectorAll('.react-flow__node')) {
        if (wanted.has(el.dataset.id) && getComputedStyle(el).visibility !== 'hidden') seen++;
      }
      if (seen >= wanted.size) requestAnimationFrame(() => { window.__painted = performance.now(); });
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  })();`;
}

async function measurePaint(browser: Browser, ids: string[]): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(`${BASE}/?token=${TOKEN}`);
    await page.addInitScript({ content: paintProbe(ids) });
    await page.goto(`${BASE}/?topology=${NAME}`);
    // A function, not a string: the app's CSP forbids eval, which a string predicate needs.
    const handle = await page.waitForFunction(
      () => (globalThis as { __painted?: number }).__painted,
      undefined,
      { timeout: 30_000, polling: 50 },
    );
    return Number(await handle.jsonValue());
  } finally {
    await context.close();
  }
}

async function saveTopology(topology: Topology): Promise<void> {
  const res = await fetch(`${BASE}/trpc/topologies.save`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: NAME, topology, overwrite: true }),
  });
  if (!res.ok) throw new Error(`saving the topology failed: ${res.status} ${await res.text()}`);
}

/** The entry script, its modulepreloads and their static imports: what runs before anything lazy. */
function initialJs(distDir: string): {
  files: string[];
  gzipBytes: number;
  rawBytes: number;
} {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const refs = [
    ...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
  ].map((m) => (m[1] ?? '').replace(/^\//, ''));
  const files = new Set<string>();
  const visit = (rel: string) => {
    if (files.has(rel)) return;
    files.add(rel);
    const code = readFileSync(join(distDir, rel), 'utf8');
    // Static imports only (`from"./x.js"`, `import"./x.js"`); `import("./x.js")` is lazy.
    for (const m of code.matchAll(/(?:\bfrom|\bimport)\s*["'](\.\/[^"']+\.js)["']/g)) {
      visit(join(rel, '..', m[1] ?? ''));
    }
  };
  refs.forEach(visit);
  let gzipBytes = 0;
  let rawBytes = 0;
  for (const f of files) {
    const buf = readFileSync(join(distDir, f));
    rawBytes += buf.length;
    gzipBytes += gzipSync(buf).length;
  }
  return { files: [...files], gzipBytes, rawBytes };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

function verdict(ok: boolean): string {
  return ok ? 'within target' : 'OVER TARGET';
}

async function main(): Promise<void> {
  if (!existsSync(join(dist, 'index.html'))) {
    throw new Error('apps/web/dist is missing: run `npm run build -w apps/web` first');
  }
  // Before the server starts, so a missing browser leaves no server behind.
  const launch = chromiumLaunch();
  const js = initialJs(dist);
  const kb = (n: number) => (n / 1024).toFixed(1);
  console.log(`initial JS: ${js.files.join(', ')}`);
  console.log(
    `initial JS gzipped: ${kb(js.gzipBytes)} KB (raw ${kb(js.rawBytes)} KB); target ≤ ${kb(JS_TARGET_BYTES)} KB: ${verdict(js.gzipBytes <= JS_TARGET_BYTES)}`,
  );

  const dataDir = mkdtempSync(join(tmpdir(), 'mpqemu-web-bench-'));
  const { server } = await startServer(dataDir);
  const browser = await chromium.launch({ ...launch, headless: true });
  try {
    const topology = benchTopology();
    await saveTopology(topology);
    const ids = topology.devices.map((d) => d.id);
    await measurePaint(browser, ids); // warm-up: server module caches, Chromium's first start
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push(await measurePaint(browser, ids));
    const m = median(times);
    console.log(
      `open ${DEVICES}-device topology → painted canvas: ${times.map((t) => t.toFixed(0)).join(', ')} ms`,
    );
    console.log(
      `median ${m.toFixed(0)} ms over ${RUNS} cold page loads; target ≤ ${PAINT_TARGET_MS} ms: ${verdict(m <= PAINT_TARGET_MS)}`,
    );
  } finally {
    await browser.close();
    server.kill('SIGTERM');
    await server;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
