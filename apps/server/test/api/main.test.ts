/** The compiled server as a user runs it: the printed URL, the first request, a clean exit on SIGTERM. */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO } from '../support/repo.ts';

const MAIN = join(REPO, 'apps/server/dist/main.js');
let dataDir: string;

beforeEach(async () => {
  dataDir = join(await mkdtemp(join(tmpdir(), 'mpq-main-')), 'data');
});
afterEach(async () => {
  await rm(join(dataDir, '..'), { recursive: true, force: true });
});

function main(args: string[], env: Record<string, string> = {}) {
  return execa('node', [MAIN, ...args], {
    cwd: REPO,
    env: { MPQEMU_DATA_DIR: dataDir, ...env },
    reject: false,
    buffer: true,
  });
}

describe('main.ts', () => {
  it('prints the URL once, serves it, and stops cleanly on SIGTERM', async () => {
    const child = main(['--port', '0']);
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const found = /mpqemu studio is running: (\S+)\n/.exec(out);
        if (found?.[1]) resolve(found[1]);
      });
      void child.then((r) => reject(new Error(`exited early: ${r.stderr}`)));
    });
    const url = new URL(line);
    expect(url.hostname).toBe('127.0.0.1');
    const token = url.searchParams.get('token') ?? '';
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await stat(join(dataDir, 'token'))).mode & 0o777).toBe(0o600);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);

    const res = await fetch(line, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const list = await fetch(`${url.origin}/trpc/topologies.list`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    // The first start writes no topology: the UI opens the sample as a template.
    expect(((await list.json()) as { result: { data: unknown[] } }).result.data).toEqual([]);

    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(result.stdout.match(/is running/g)).toHaveLength(1);
    expect(result.stderr).not.toContain(token);
    expect(result.stdout.split(token)).toHaveLength(2);
  });

  it('exits with status 2 and names the setting on a bad value', async () => {
    const bad = await main(['--port', 'seventy']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--port must be a number from 0 to 65535');
    const token = await main(['--token', 'x'.repeat(40)]);
    expect(token.exitCode).toBe(2);
    expect(token.stderr).toContain('--token is not accepted');
    const qemu = await main(['--qemu', '/nonexistent/qemu']);
    expect(qemu.exitCode).toBe(2);
    expect(qemu.stderr).toContain('QEMU binary "/nonexistent/qemu" not found');
  });
});
