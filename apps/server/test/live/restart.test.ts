import { readdirSync } from 'node:fs';
import type { RunInfo, Topology } from '@mpqemu/shared';
import { describe, expect, it } from 'vitest';
import {
  TCG_ACK,
  isAlive,
  loadExample,
  managerForFile,
  openFds,
  processesMentioning,
  waitForConsole,
  waitForRun,
} from '../runs/helpers.ts';
import { guestPokes, guestReadsId } from './guest.ts';

const files = managerForFile({ killGraceMs: 2_000 });
/** upstream-lsi.json: the LSI controller sits at slot 5 and reads 1000:0012. */
const LSI = '0000:00:05.0';

function pidOf(info: RunInfo, name: string): number {
  const pid = info.processes.find((p) => p.name === name)?.pid;
  if (typeof pid !== 'number') throw new Error(`${name} has no pid`);
  return pid;
}

const restartedTimes = (n: number) => (r: RunInfo) =>
  r.status === 'running' &&
  r.processes.some((p) => p.name === 'rp0' && p.status === 'running' && p.restarts === n);

async function startBooted(topology: Topology): Promise<RunInfo> {
  const { id } = await files.manager.start(topology, { acknowledged: TCG_ACK });
  await waitForRun(files.manager, id, (r) => r.status === 'running');
  await waitForConsole(files.manager, id, /guest# /);
  const info = files.manager.get(id);
  if (!info) throw new Error('run vanished');
  return info;
}

async function mainLog(runId: string): Promise<string> {
  for await (const chunk of files.manager.logs(runId, 'main', AbortSignal.timeout(5_000))) {
    return chunk.text;
  }
  return '';
}

function withPolicy(topology: Topology, restart: Topology['processes'][number]['restart']) {
  return { ...topology, processes: topology.processes.map((p) => ({ ...p, restart })) };
}

describe('restarting a device process while the VM runs', () => {
  it('restarts a SIGKILLed remote under the default policy; the guest reads its ids again', async () => {
    const run = await startBooted(loadExample('upstream-lsi.json'));
    expect(await guestReadsId(files.manager, run.id, LSI, '1000 0012')).toBe('1000 0012');
    const main = pidOf(run, 'main');
    const old = pidOf(run, 'rp0');

    process.kill(old, 'SIGKILL');
    const back = await waitForRun(files.manager, run.id, restartedTimes(1), 60_000);

    expect(pidOf(back, 'main')).toBe(main);
    expect(pidOf(back, 'rp0')).not.toBe(old);
    expect(isAlive(old)).toBe(false);
    expect(back.reason).toBe(null);
    expect(back.spares).toEqual({ total: 4, left: 3 });
    const texts = back.steps.filter((s) => s.process === 'rp0').map((s) => s.text);
    expect(texts).toEqual(
      expect.arrayContaining([
        'rp0 was killed by SIGKILL while the VM was running',
        'rp0: restarting now (restart policy)',
        'rp0: lsi0 unplugged',
        'rp0: lsi0 plugged in at slot 0x5',
      ]),
    );
    expect(await guestReadsId(files.manager, run.id, LSI, '1000 0012')).toBe('1000 0012');
    await files.manager.stop(run.id);
  });

  it('past the policy limit leaves the run degraded with the reason; a manual restart recovers', async () => {
    const policy = { mode: 'on-failure', maxRestarts: 1, windowSeconds: 60, backoffMs: 0 } as const;
    const run = await startBooted(withPolicy(loadExample('upstream-lsi.json'), policy));
    const main = pidOf(run, 'main');

    process.kill(pidOf(run, 'rp0'), 'SIGKILL');
    const once = await waitForRun(files.manager, run.id, restartedTimes(1), 60_000);
    // The guest must have taken the new device in (ACPI hot-plug, ~3 s) before it dies again.
    expect(await guestReadsId(files.manager, run.id, LSI, '1000 0012')).toBe('1000 0012');
    process.kill(pidOf(once, 'rp0'), 'SIGKILL');
    const degraded = await waitForRun(
      files.manager,
      run.id,
      (r) => r.status === 'degraded' && (r.reason ?? '').includes('not restarted'),
      30_000,
    );
    expect(degraded.culprit).toBe('rp0');
    expect(degraded.reason).toContain(
      'not restarted: it was already restarted 1 time within 60 s (the policy allows 1)',
    );
    expect(degraded.processes.find((p) => p.name === 'rp0')).toMatchObject({
      status: 'failed',
      notRestarted: 'it was already restarted 1 time within 60 s (the policy allows 1)',
    });

    // The dead proxy: the guest reads all ones, and the main QEMU's complaints are summarised.
    expect(await guestReadsId(files.manager, run.id, LSI, 'ffff ffff')).toBe('ffff ffff');
    expect(await guestPokes(files.manager, run.id, LSI, 200)).toBe('200');
    const recovered = await files.manager.restartProcess(run.id, 'rp0');
    expect(recovered.status).toBe('running');
    expect(recovered.processes.find((p) => p.name === 'rp0')?.restarts).toBe(2);
    expect(pidOf(recovered, 'main')).toBe(main);
    expect(await guestReadsId(files.manager, run.id, LSI, '1000 0012')).toBe('1000 0012');
    const log = await mainLog(run.id);
    // Each of the two floods (after each death) keeps its first line of each kind.
    const raw = log.split('\n').filter((l) => /Unable to write|PCI config READ/.test(l));
    expect(raw.length).toBeLessThanOrEqual(4);
    const counts = [...log.matchAll(/\[mpqemu: (\d+) more lines like the above/g)].map((m) =>
      Number(m[1]),
    );
    // 200 reads of the dead device, two failed config operations each.
    expect(Math.max(...counts)).toBeGreaterThanOrEqual(200);
    await files.manager.stop(run.id);
  });

  it('reports running out of spare channels: a restart is refused, the policy stops', async () => {
    const topology = loadExample('upstream-lsi.json');
    const run = await startBooted({ ...topology, vm: { ...topology.vm, spareChannels: 1 } });
    expect(run.spares).toEqual({ total: 1, left: 1 });
    process.kill(pidOf(run, 'rp0'), 'SIGKILL');
    const once = await waitForRun(files.manager, run.id, restartedTimes(1), 60_000);
    expect(once.spares).toEqual({ total: 1, left: 0 });

    await expect(files.manager.restartProcess(run.id, 'rp0')).rejects.toThrow(
      'no spare channel left: the main QEMU was started with 1, all used by restarts and hot-plugs; restart the VM to get new ones',
    );
    process.kill(pidOf(once, 'rp0'), 'SIGKILL');
    const degraded = await waitForRun(
      files.manager,
      run.id,
      (r) => r.status === 'degraded' && (r.reason ?? '').includes('not restarted'),
      30_000,
    );
    expect(degraded.reason).toContain(
      'not restarted: no spare channel is left (restart the VM for new ones)',
    );
    await files.manager.stop(run.id);
  });

  it('a stop during a restart leaves no process', async () => {
    const run = await startBooted(loadExample('upstream-lsi.json'));
    const restarting = files.manager.restartProcess(run.id, 'rp0').then(
      () => 'restarted',
      (e: unknown) => (e as Error).message,
    );
    await waitForRun(files.manager, run.id, (r) =>
      r.processes.some((p) => p.name === 'rp0' && p.status === 'restarting'),
    );
    const stopped = await files.manager.stop(run.id);
    expect(stopped.status).toBe('stopped');
    expect(await restarting).toBe('the run was stopped while rp0 was being restarted');
    expect(processesMentioning(`/runs/${run.id}/`)).toEqual([]);
  });

  it('20 restart cycles leave the server and the main QEMU without more open fds', async () => {
    const topology = loadExample('upstream-lsi.json');
    const run = await startBooted({ ...topology, vm: { ...topology.vm, spareChannels: 24 } });
    const main = pidOf(run, 'main');
    const mainFds = () => readdirSync(`/proc/${main}/fd`).length;
    const before = { server: openFds(), main: mainFds() };
    for (let i = 1; i <= 20; i++) {
      const info = await files.manager.restartProcess(run.id, 'rp0');
      expect(info.processes.find((p) => p.name === 'rp0')?.restarts).toBe(i);
    }
    const after = { server: openFds(), main: mainFds() };
    console.log(
      `open fds before/after 20 restarts: server ${before.server}/${after.server}, main QEMU ${before.main}/${after.main}`,
    );
    expect(pidOf(files.manager.get(run.id) ?? run, 'main')).toBe(main);
    // Each restart uses up one spare (its two ends were counted before): 20 fewer, never more.
    expect(after.main).toBeLessThanOrEqual(before.main - 20);
    expect(after.server).toBeLessThanOrEqual(before.server - 20);
    expect(await guestReadsId(files.manager, run.id, LSI, '1000 0012')).toBe('1000 0012');
    await files.manager.stop(run.id);
  }, 300_000);
});
