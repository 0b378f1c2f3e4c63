import { copyFileSync, linkSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Topology } from '@mpqemu/shared';
import { describe, expect, it } from 'vitest';
import {
  TCG_ACK,
  isAlive,
  loadExample,
  managerForFile,
  pidsOf,
  qemuUnder,
  waitForConsole,
  waitForRun,
} from './helpers.ts';
import { REPO } from '../support/repo.ts';

const files = managerForFile();

/** The example with its one drive on `image`. */
function withDisk(topology: Topology, image: string): Topology {
  return {
    ...topology,
    drives: topology.drives.map((d) => ({ ...d, image: { ...d.image, path: image } })),
  };
}

describe('faults while a VM runs', () => {
  it('reports a killed remote process as degraded, with its log tail', async () => {
    // Not restarted, so the report stays to be read (restarts: apps/server/test/live/restart.test.ts).
    const example = loadExample('upstream-lsi.json');
    const never = {
      ...example,
      processes: example.processes.map((p) => ({ ...p, restart: { mode: 'never' as const } })),
    };
    const { id } = await files.manager.start(never, { acknowledged: TCG_ACK });
    const running = await waitForRun(files.manager, id, (r) => r.status === 'running');
    const remote = running.processes.find((p) => p.name === 'rp0');
    expect(remote?.pid).toBeTypeOf('number');

    // The wait only catches a hang; how fast it comes is a figure of bench/fault-bench.ts.
    const degraded = waitForRun(files.manager, id, (r) => r.status === 'degraded', 30_000);
    process.kill(remote?.pid ?? -1, 'SIGKILL');
    const info = await degraded;
    expect(info.culprit).toBe('rp0');
    expect(info.reason).toContain('rp0 (lsi0) was killed by SIGKILL');
    // The tail is the process's own log (a SIGKILLed remote usually printed nothing).
    let backlog = '';
    for await (const chunk of files.manager.logs(id, 'rp0', AbortSignal.timeout(5_000))) {
      backlog += chunk.text;
      break;
    }
    const lines = backlog.split('\n').filter((l) => l.trim() !== '');
    expect(info.culpritLog).toEqual(lines.slice(-20));
    expect(info.processes.find((p) => p.name === 'rp0')).toMatchObject({
      status: 'failed',
      signal: 'SIGKILL',
    });
    // The main QEMU keeps running: the run is degraded, not over.
    expect(info.processes.find((p) => p.name === 'main')?.status).toBe('running');

    const stopped = await files.manager.stop(id);
    expect(stopped.status).toBe('stopped');
    for (const pid of pidsOf(running)) expect(isAlive(pid)).toBe(false);
  });

  it('ends the run by itself when the guest powers off', async () => {
    const { id } = await files.manager.start(loadExample('upstream-lsi.json'), {
      acknowledged: TCG_ACK,
    });
    const running = await waitForRun(files.manager, id, (r) => r.status === 'running');
    await waitForConsole(files.manager, id, /guest# /);
    files.manager.consoleInput(id, 'poweroff -f\n');
    const stopped = await waitForRun(files.manager, id, (r) => r.status === 'stopped', 60_000);
    expect(stopped.reason).toBe('guest powered off');
    expect(stopped.processes.map((p) => [p.name, p.status, p.exitCode])).toEqual([
      ['rp0', 'exited', 0],
      ['main', 'exited', 0],
    ]);
    for (const pid of pidsOf(running)) expect(isAlive(pid)).toBe(false);
  });

  it('fails a run whose process dies at start, names it, shows its stderr, leaves nothing', async () => {
    // A real start failure: a second VM on the same disk image. The first remote holds QEMU's
    // write lock; the second remote process cannot take it and exits during device setup. The
    // second VM names the image through a hard link: by the same name, the host check would
    // refuse it before anything starts (host.image-in-use).
    const library = join(files.dataDir, 'images');
    mkdirSync(library, { recursive: true });
    copyFileSync(join(REPO, '.cache', 'guest', 'disk0.img'), join(library, 'shared.img'));
    linkSync(join(library, 'shared.img'), join(library, 'shared-link.img'));
    const topology = withDisk(loadExample('upstream-lsi.json'), join(library, 'shared.img'));
    // Both names are one file with two links: the start confirms it, as the dialog would ask.
    const linkedAck = [...TCG_ACK, 'host.image-hard-linked'];
    const first = await files.manager.start(topology, { acknowledged: linkedAck });
    await waitForRun(files.manager, first.id, (r) => r.status === 'running');

    const linked = withDisk(topology, join(library, 'shared-link.img'));
    const second = await files.manager.start(
      { ...linked, vm: { ...linked.vm, name: 'lock-conflict' } },
      { acknowledged: linkedAck },
    );
    const failed = await waitForRun(files.manager, second.id, (r) => r.status === 'failed', 60_000);
    expect(failed.culprit).toBe('rp0');
    expect(failed.reason).toMatch(/^rp0 exited with code 1 during start/);
    expect(failed.culpritLog.join('\n')).toContain('Failed to get "write" lock');
    expect(failed.processes.find((p) => p.name === 'rp0')?.status).toBe('failed');
    for (const pid of pidsOf(failed)) expect(isAlive(pid)).toBe(false);
    expect(qemuUnder(`${files.dataDir}/runs/${second.id}`)).toEqual([]);
    expect(failed.steps.some((s) => s.state === 'failed')).toBe(true);

    // The first run was not disturbed.
    expect(files.manager.get(first.id)?.status).toBe('running');
    await files.manager.stop(first.id);
  });
});
