/**
 * `npm run dev` (scripts/dev.mjs) as a developer runs it: the printed URL trades its token for the
 * cookie as in a normal start; the page is Vite's, behind the same guard; the policy allows Vite's
 * scripts by their nonce and its HMR socket, which takes the page's token and no other; one API call
 * answers with the cookie; and stopping it leaves no process behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { REPO as REPO_ROOT } from '../support/repo.ts';

const DEV = join(REPO_ROOT, 'scripts', 'dev.mjs');

/** Every process below `pid` (tsx, then the server it runs), from the kernel's own lists. */
function descendants(pid: number): number[] {
  let children: number[];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let dataDir: string;
let dev: ChildProcess;
let exited: Promise<number | null>;
let stderr = '';
let openUrl: URL;

/** Resolves with the URL the studio prints; rejects if dev mode exits first. */
function printedUrl(child: ChildProcess): Promise<URL> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      out += chunk;
      const found = /mpqemu studio is running: (\S+)\n/.exec(out);
      if (found?.[1]) resolve(new URL(found[1]));
    });
    void exited.then((code) => reject(new Error(`dev mode exited (${code}): ${stderr}`)));
  });
}

beforeAll(async () => {
  dataDir = join(await mkdtemp(join(tmpdir(), 'mpq-dev-')), 'data');
  const env: NodeJS.ProcessEnv = { ...process.env, MPQEMU_DATA_DIR: dataDir, MPQEMU_PORT: '0' };
  delete env.MPQEMU_TOKEN;
  delete env.MPQEMU_DEV_HMR_PORT;
  dev = spawn(process.execPath, [DEV], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  exited = once(dev, 'exit').then(([code]) => code as number | null);
  dev.stderr?.setEncoding('utf8');
  dev.stderr?.on('data', (chunk: string) => (stderr += chunk));
  openUrl = await printedUrl(dev);
});

afterAll(async () => {
  // Normally the last test has stopped it; after a failure, nothing may outlive the run.
  const left = [dev.pid ?? 0, ...descendants(dev.pid ?? 0)].filter((p) => p > 0 && alive(p));
  for (const pid of left) process.kill(pid, 'SIGKILL');
  await rm(join(dataDir, '..'), { recursive: true, force: true });
});

describe('npm run dev', () => {
  let cookie = '';
  const base = () => openUrl.origin;
  const get = (path: string, withCookie = true) =>
    fetch(`${base()}${path}`, { headers: withCookie ? { Cookie: cookie } : {} });

  it('trades the printed token for the cookie, as a normal start does', async () => {
    expect(openUrl.hostname).toBe('127.0.0.1');
    const res = await fetch(openUrl, { redirect: 'manual' });
    expect(res.status).toBe(302);
    cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^mpqemu-studio-\d+=/);
  });

  it("serves Vite's page and client behind the guard, with a policy that allows only their nonce", async () => {
    expect((await get('/', false)).status).toBe(401);
    expect((await get('/@vite/client', false)).status).toBe(401);
    const page = await get('/');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('src="/@vite/client"');
    const nonce = /<script type="module" src="\/@vite\/client" nonce="([^"]+)"/.exec(html)?.[1];
    expect(nonce).toBeDefined();
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`script-src 'self' 'nonce-${nonce}';`);
    expect(csp).not.toContain('unsafe-eval');
    const client = await get('/@vite/client');
    expect(client.status).toBe(200);
    expect(client.headers.get('content-type')).toMatch(/javascript/);
  });

  it("opens Vite's HMR socket with the page's token and refuses it without", async () => {
    const csp = (await get('/')).headers.get('content-security-policy') ?? '';
    const hmr = /connect-src 'self' (ws:\/\/127\.0\.0\.1:\d+)/.exec(csp)?.[1];
    expect(hmr).toBeDefined();
    const client = await (await get('/@vite/client')).text();
    const token = /const wsToken = "([^"]+)"/.exec(client)?.[1] ?? '';
    expect(token).not.toBe('');
    const connect = (t: string) =>
      new Promise<string>((resolve, reject) => {
        const ws = new WebSocket(`${hmr}/?token=${encodeURIComponent(t)}`, 'vite-hmr', {
          origin: base(),
        });
        ws.on('message', (data: Buffer) => {
          ws.close();
          resolve(data.toString());
        });
        ws.on('error', reject);
      });
    expect(JSON.parse(await connect(token))).toEqual({ type: 'connected' });
    await expect(connect('not-the-token')).rejects.toThrow(/400/);
  });

  it('answers an API call with the cookie', async () => {
    const res = await get('/trpc/topologies.list');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { result: { data: unknown[] } }).result.data).toEqual([]);
  });

  it('stops on SIGTERM with every process it started', async () => {
    const tree = descendants(dev.pid ?? 0);
    // tsx watch and the server it runs.
    expect(tree.length).toBeGreaterThanOrEqual(2);
    dev.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (let i = 0; i < 100 && tree.some(alive); i++) await sleep(100);
    expect(tree.filter(alive)).toEqual([]);
    expect(stderr).toContain('SIGTERM: stopping every run, then the server');
  });
});
