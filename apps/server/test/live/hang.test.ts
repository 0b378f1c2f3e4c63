import type { RunInfo } from '@mpqemu/shared';
import { describe, expect, it } from 'vitest';
import {
  TCG_ACK,
  isAlive,
  loadExample,
  managerForFile,
  processesMentioning,
  waitForConsole,
  waitForRun,
} from '../runs/helpers.ts';
import { guestReadsId } from './guest.ts';

const files = managerForFile({ killGraceMs: 3_000 });
/** upstream-lsi.json: the LSI controller sits at slot 5 and reads 1000:0012. */
const LSI = '0000:00:05.0';

function pidOf(info: RunInfo, name: string): number {
  const pid = info.processes.find((p) => p.name === name)?.pid;
  if (typeof pid !== 'number') throw new Error(`${name} has no pid`);
  return pid;
}

async function startBooted(): Promise<RunInfo> {
  const { id } = await files.manager.start(loadExample('upstream-lsi.json'), {
    acknowledged: TCG_ACK,
  });
  await waitForRun(files.manager, id, (r) => r.status === 'running');
  await waitForConsole(files.manager, id, /guest# /);
  const info = files.manager.get(id);
  if (!info) throw new Error('run vanished');
  return info;
}

/**
 * Every distinct status of process `name` the run publishes (with whom a restart is for), in
 * order, until `signal` aborts.
 */
function statusesOf(runId: string, name: string, signal: AbortSignal): Promise<string[]> {
  return (async () => {
    const seen: string[] = [];
    try {
      for await (const info of files.manager.events(runId, signal)) {
        const p = info.processes.find((x) => x.name === name);
        const status = p && (p.restartBy === null ? p.status : `${p.status} by ${p.restartBy}`);
        if (status !== undefined && seen.at(-1) !== status) seen.push(status);
      }
    } catch {
      // The abort ends the feed.
    }
    return seen;
  })();
}

describe('a hung device process', () => {
  it('is noticed within 2 intervals (1 s), killed, restarted, and the guest reads the device again', async () => {
    const run = await startBooted();
    expect(await guestReadsId(files.manager, run.id, LSI, '1000 0012')).toBe('1000 0012');
    const main = pidOf(run, 'main');
    const old = pidOf(run, 'rp0');
    const watching = new AbortController();
    const statuses = statusesOf(run.id, 'rp0', watching.signal);

    const stoppedAt = Date.now();
    process.kill(old, 'SIGSTOP');
    // The guest reads the device while its process is stopped: the main QEMU waits on it.
    const reads = guestReadsId(files.manager, run.id, LSI, '1000 0012');
    const hung = await waitForRun(files.manager, run.id, (r) =>
      r.processes.some((p) => p.name === 'rp0' && p.status === 'hung'),
    );
    const noticedMs = Date.now() - stoppedAt;
    const back = await waitForRun(
      files.manager,
      run.id,
      (r) =>
        r.status === 'running' &&
        r.processes.some((p) => p.name === 'rp0' && p.status === 'running' && p.restarts === 1),
      60_000,
    );
    expect(await reads).toBe('1000 0012');
    watching.abort();
    console.log(`SIGSTOP -> hung noticed after ${noticedMs} ms`);

    // Two intervals, plus the slack of a loaded 2-core host publishing the state.
    expect(noticedMs).toBeLessThan(2_000 + 500);
    expect(hung.processes.find((p) => p.name === 'rp0')?.error).toMatch(
      /^hung: no answer for \d\.\d s$/,
    );
    // `failed` and `restarting` go out as one snapshot: the first restart is immediate.
    expect(await statuses).toEqual(['running', 'hung', 'restarting by policy', 'running']);
    const rp0 = back.processes.find((p) => p.name === 'rp0');
    expect(rp0?.policyRestarts).toHaveLength(1);
    expect(rp0?.notRestarted).toBe(null);
    expect(isAlive(old)).toBe(false);
    expect(pidOf(back, 'main')).toBe(main);
    const texts = back.steps.filter((s) => s.process === 'rp0').map((s) => s.text);
    expect(texts).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^rp0 hung: no answer to QMP \(query-status\) for \d\.\d s; killing it \(SIGKILL\)$/,
        ),
        expect.stringMatching(
          /^rp0 hung \(no answer for \d\.\d s\) and was killed by SIGKILL while the VM was running$/,
        ),
        'rp0: restarting now (restart policy)',
        'rp0: lsi0 plugged in at slot 0x5',
      ]),
    );
    await files.manager.stop(run.id);
  });

  it('does not slow a force stop: it ends within 1 s, before the hang is even noticed', async () => {
    const run = await startBooted();
    const rp0 = pidOf(run, 'rp0');
    process.kill(rp0, 'SIGSTOP');
    // The guest reads the stopped device: the main QEMU waits on it, deaf to QMP.
    const reads = guestReadsId(files.manager, run.id, LSI, '1000 0012').catch(() => 'ended');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const asked = performance.now();
    const stopped = await files.manager.stop(run.id, { force: true });
    const tookMs = performance.now() - asked;
    console.log(`force stop with a SIGSTOPped device process: ${tookMs.toFixed(0)} ms`);

    expect(stopped.status).toBe('stopped');
    expect(stopped.reason).toBe('force-stopped by the user');
    expect(tookMs).toBeLessThanOrEqual(1_000);
    expect(stopped.steps.map((s) => s.text)).toContain(
      'Force stop: rp0 was not answering; killed it (SIGKILL)',
    );
    expect(processesMentioning(`/runs/${run.id}/`)).toEqual([]);
    expect(isAlive(rp0)).toBe(false);
    expect(await reads).toBe('ended');
  });
});
