import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { isAlive, isRunning, qemuUnder, tempDataDir } from './helpers.ts';
import { REPO } from '../support/repo.ts';
import { ensureGuest } from '../support/guest.ts';

beforeAll(ensureGuest);

describe('the server dies', () => {
  it('takes every QEMU of its runs with it, even on SIGKILL', async () => {
    const dataDir = await tempDataDir();
    const fixture = join(REPO, 'apps/server/test/runs/fixtures/start-run.ts');
    const child = execa('node', ['--import', 'tsx', fixture, dataDir], {
      cwd: REPO,
      buffer: false,
      reject: false,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
      });
      void child.then(() => reject(new Error(`fixture exited early: ${out}`)));
    });
    const { pids } = JSON.parse(line) as { runId: string; pids: number[] };
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(isAlive(pid)).toBe(true);

    child.kill('SIGKILL');
    const killedAt = performance.now();
    await child;
    while (pids.some(isRunning) && performance.now() - killedAt < 2000) await sleep(10);
    const deadMs = performance.now() - killedAt;
    for (const pid of pids) expect(isRunning(pid)).toBe(false);
    // The orphans' new parent (init) reaps them; here PID 1 does that with some delay of its own.
    while (pids.some(isAlive) && performance.now() - killedAt < 10_000) await sleep(20);
    const reapedMs = performance.now() - killedAt;
    console.log(
      `QEMU dead ${deadMs.toFixed(0)} ms, reaped ${reapedMs.toFixed(0)} ms after the server's SIGKILL`,
    );
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    expect(qemuUnder(dataDir)).toEqual([]);
    rmSync(dataDir, { recursive: true, force: true });
  });
});
