/**
 * What a dead server leaves in `<dataDir>/runs` is cleaned by the next one, with real processes:
 * the real server and QEMU under TCG, killed with SIGKILL so no exit handler runs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadTopologyText, resolveDocumentPaths, type RunInfo } from '@mpqemu/shared';
import { execa } from 'execa';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanStaleRuns } from '../../src/runs/stale-runs.ts';
import { startStudio, type Studio } from '../api/studio-process.ts';
import { isRunning, processesMentioning } from './helpers.ts';
import { ensureGuest } from '../support/guest.ts';
import { REPO } from '../support/repo.ts';

let dataDir: string;
const started: Studio[] = [];

beforeAll(ensureGuest);
beforeEach(async () => {
  // Short: the run sockets live below it and sun_path holds 107 bytes.
  dataDir = await mkdtemp(join(tmpdir(), 'mpqs-'));
});
afterEach(async () => {
  for (const s of started.splice(0)) s.child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

async function studio(): Promise<Studio> {
  const s = await startStudio(dataDir);
  started.push(s);
  return s;
}

/** upstream-lsi with absolute paths and a disk of its own (QEMU write-locks images). */
function upstreamLsi() {
  const example = join(REPO, 'examples/upstream-lsi.json');
  const loaded = loadTopologyText(readFileSync(example, 'utf8'));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const topology = resolveDocumentPaths(loaded.topology, dirname(example));
  // In the image library: the data directory's other files can never be attached.
  mkdirSync(join(dataDir, 'images'), { recursive: true });
  const disk = join(dataDir, 'images', 'disk0.img');
  execFileSync('qemu-img', ['create', '-q', '-f', 'raw', disk, '16M']);
  return {
    ...topology,
    drives: topology.drives.map((d) => ({ ...d, image: { ...d.image, path: disk } })),
  };
}

async function runInfo(server: Studio, runId: string): Promise<RunInfo> {
  const input = encodeURIComponent(JSON.stringify({ runId }));
  const res = await server.call(`/trpc/runs.get?input=${input}`);
  return ((await res.json()) as { result: { data: RunInfo } }).result.data;
}

function socketsIn(dir: string): string[] {
  return readdirSync(dir).filter((n) => lstatSync(join(dir, n)).isSocket());
}

async function until(predicate: () => boolean | Promise<boolean>, ms: number, what: string) {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('stale runs of a dead server', () => {
  it('are cleaned by the next server on the same data directory', async () => {
    const first = await studio();
    const started = await first.call('/trpc/runs.start', {
      method: 'POST',
      body: JSON.stringify({ topology: upstreamLsi(), acknowledged: ['proxy.tcg-no-interrupts'] }),
    });
    expect(started.status, await started.clone().text()).toBe(200);
    const { id } = ((await started.json()) as { result: { data: RunInfo } }).result.data;
    let info = await runInfo(first, id);
    await until(
      async () => (info = await runInfo(first, id)).status !== 'starting',
      90_000,
      'the run to start',
    );
    expect(info.status, info.reason ?? '').toBe('running');
    const pids = info.processes.map((p) => p.pid).filter((p): p is number => p !== null);
    expect(pids).toHaveLength(2);
    const runDir = join(dataDir, 'runs', id);
    // QMP and the console are socketpair ends: a run directory holds no socket file at all.
    expect(socketsIn(runDir)).toEqual([]);

    first.child.kill('SIGKILL');
    await first.child;
    // setpriv's pdeathsig takes the QEMUs down with the server.
    await until(() => !pids.some(isRunning), 10_000, 'the QEMUs to die with the server');

    const second = await studio();
    expect(second.stderr()).toContain(
      'cleaned 1 stale run directory left by a previous process, 0 sockets removed, logs of 1 kept, 0 deleted, no QEMU was left running',
    );
    expect(socketsIn(runDir)).toEqual([]);
    expect(readdirSync(runDir).sort()).toEqual(['main.log', 'rp0.log']);
    expect(processesMentioning(runDir)).toEqual([]);
    // The new server starts from an empty list: the dead server's run is history on disk only.
    const list = await second.call('/trpc/runs.list');
    expect(((await list.json()) as { result: { data: RunInfo[] } }).result.data).toEqual([]);
  });

  it('kills a QEMU still using a stale run directory, spares other processes, prunes old runs', async () => {
    const runsDir = join(dataDir, 'runs');
    const dirs = ['aaaaaaaaaaaa', 'bbbbbbbbbbbb', 'cccccccccccc'].map((n) => join(runsDir, n));
    for (const [i, dir] of dirs.entries()) {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'main.log'), `run ${i}\n`);
      // aaaa is the oldest run, cccc the newest.
      const at = new Date(Date.now() - (3 - i) * 60_000);
      await utimes(join(dir, 'main.log'), at, at);
    }
    const [oldest = '', middle = '', newest = ''] = dirs;
    const qemuArgs = (dir: string) => [
      ...['-machine', 'none', '-nodefaults', '-display', 'none'],
      ...['-qmp', `unix:${dir}/main.qmp,server=on,wait=off`],
    ];
    // A QEMU killed with SIGKILL leaves its socket file behind.
    const killed = execa('qemu-system-x86_64', qemuArgs(middle), {
      reject: false,
      stdin: 'ignore',
    });
    await until(() => existsSync(join(middle, 'main.qmp')), 10_000, 'QEMU to listen');
    killed.kill('SIGKILL');
    await killed;
    // A QEMU started without pdeathsig (as a hand-made launch would be) outlives its server: its
    // parent is gone (setsid --fork's first process exits at once), as after the owner's death.
    await execa('setsid', ['--fork', 'qemu-system-x86_64', ...qemuArgs(newest)], {
      stdin: 'ignore',
      stdout: 'ignore',
      stderr: 'ignore',
    });
    // A QEMU whose parent lives and is Node.js (here: this test) belongs to a live owner whose
    // lock was lost: never killed, its run directory left whole.
    const owned = execa('qemu-system-x86_64', qemuArgs(oldest), { reject: false, stdin: 'ignore' });
    const reader = execa('tail', ['-f', join(newest, 'main.log')], { reject: false });
    const qemuIn = (dir: string) =>
      processesMentioning(dir).filter((pid) =>
        readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('qemu'),
      );
    let orphan = 0;
    try {
      await until(() => existsSync(join(newest, 'main.qmp')), 10_000, 'QEMU to listen');
      await until(() => existsSync(join(oldest, 'main.qmp')), 10_000, 'QEMU to listen');
      orphan = qemuIn(newest)[0] ?? 0;
      expect(orphan).toBeGreaterThan(0);

      const result = await cleanStaleRuns(runsDir, { keep: 2, killGraceMs: 2_000 });
      // The orphan removes its own socket when SIGTERM ends it; the SIGKILLed one could not.
      expect(result).toMatchObject({ runs: 3, live: 1, sockets: 1, kept: 2, deleted: 0 });
      expect(result.killed).toEqual([orphan]);
      expect(result.spared.map((s) => s.pid).sort()).toEqual([owned.pid, reader.pid].sort());
      expect(result.spared.find((s) => s.pid === owned.pid)?.command).toMatch(
        /; owned by live node\S* pid \d+$/,
      );
      await until(() => !isRunning(orphan), 5_000, 'the orphan to end');
      expect(isRunning(reader.pid ?? 0)).toBe(true);
      expect(isRunning(owned.pid ?? 0)).toBe(true);
      expect(readdirSync(oldest).sort()).toEqual(['main.log', 'main.qmp']);
      expect(readdirSync(newest)).toEqual(['main.log']);
      expect(readdirSync(middle)).toEqual(['main.log']);
    } finally {
      if (orphan > 0 && isRunning(orphan)) process.kill(orphan, 'SIGKILL');
      owned.kill('SIGKILL');
      reader.kill('SIGKILL');
      await Promise.all([owned, reader]);
    }
  });
});
