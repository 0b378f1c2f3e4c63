/**
 * One owner per data directory, with real processes: a second server (or `mpqemu up`) on the same
 * directory is refused while the first lives, and the kernel frees the lock when it is SIGKILLed.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadTopologyText, resolveDocumentPaths } from '@mpqemu/shared';
import { execa } from 'execa';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runStudio, startStudio, type Studio } from './studio-process.ts';
import { ensureGuest } from '../support/guest.ts';
import { REPO } from '../support/repo.ts';

let dir: string;
let dataDir: string;
const started: Studio[] = [];

beforeAll(ensureGuest);
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpql-'));
  dataDir = join(dir, 'data');
});
afterEach(async () => {
  for (const s of started.splice(0)) s.child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

async function studio(): Promise<Studio> {
  const s = await startStudio(dataDir);
  started.push(s);
  return s;
}

/** upstream-lsi on a disk of its own, so a wrongly started run would not fight others for it. */
async function privateUpstreamLsi(): Promise<string> {
  const example = join(REPO, 'examples/upstream-lsi.json');
  const loaded = loadTopologyText(readFileSync(example, 'utf8'));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const topology = resolveDocumentPaths(loaded.topology, dirname(example));
  const disk = join(dir, 'disk0.img');
  execFileSync('qemu-img', ['create', '-q', '-f', 'raw', disk, '16M']);
  const drives = topology.drives.map((d) => ({ ...d, image: { ...d.image, path: disk } }));
  const file = join(dir, 'upstream-lsi.json');
  await writeFile(file, JSON.stringify({ ...topology, drives }));
  return file;
}

describe('the data directory lock', () => {
  it('refuses a second server and `mpqemu up` while the first lives; a SIGKILL frees it', async () => {
    const first = await studio();

    const second = await runStudio(dataDir);
    expect(second.exitCode).toBe(2);
    expect(second.stderr).toContain(
      `the data directory ${dataDir} is in use by mpqemu studio (pid ${first.pid})`,
    );

    const file = await privateUpstreamLsi();
    const bin = join(REPO, 'apps/server/bin/mpqemu.mjs');
    const up = await execa('node', [bin, 'up', file, '--yes'], {
      env: { MPQEMU_DATA_DIR: dataDir },
      reject: false,
      stdin: 'ignore',
      timeout: 120_000,
    });
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toContain(`is in use by mpqemu studio (pid ${first.pid})`);
    expect(up.stderr).not.toContain('[mpqemu] running');

    // The first server still works: the refused ones touched nothing of it.
    expect((await first.call('/trpc/runs.list')).status).toBe(200);

    first.child.kill('SIGKILL');
    await first.child;
    const third = await studio();
    expect((await third.call('/trpc/runs.list')).status).toBe(200);
    third.child.kill('SIGTERM');
    expect((await third.child).exitCode).toBe(0);
  });
});
