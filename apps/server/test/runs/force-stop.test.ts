/**
 * Force stop with real QEMU. The rich example's guest does not power off: its shutdown waits on
 * the proxied virtio-blk, which gets no interrupts under TCG (docs/qemu-facts.md). A long grace makes
 * the difference between waiting it out and forcing unmistakable.
 */
import type { RunInfo } from '@mpqemu/shared';
import { setTimeout as sleep } from 'node:timers/promises';
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

const GRACE_MS = 20_000;
const files = managerForFile({ stopGraceMs: GRACE_MS });

/** Starts the rich example and waits until its guest has booted (it could honour ACPI by then). */
async function bootRich(): Promise<RunInfo> {
  const { id } = await files.manager.start(loadExample('rich.json'), { acknowledged: TCG_ACK });
  const running = await waitForRun(files.manager, id, (r) => r.status === 'running');
  await waitForConsole(files.manager, id, 'mpqemu-guest: pci-done');
  return running;
}

function expectNothingLeft(run: RunInfo, pids: readonly number[]): void {
  expect(run.status).toBe('stopped');
  expect(run.processes.every((p) => p.status === 'exited')).toBe(true);
  for (const pid of pids) expect(isAlive(pid)).toBe(false);
  expect(qemuUnder(`${files.dataDir}/runs/${run.id}`)).toEqual([]);
}

const texts = (run: RunInfo): string[] => run.steps.map((s) => s.text);

describe('force stop (rich example, proxied virtio-blk under TCG)', () => {
  it('a normal stop waits out the whole grace: the guest never powers off', async () => {
    const running = await bootRich();
    const started = Date.now();
    const stopped = await files.manager.stop(running.id);
    // A lower bound: a slower host only makes it longer.
    expect(Date.now() - started).toBeGreaterThanOrEqual(GRACE_MS - 500);
    expectNothingLeft(stopped, pidsOf(running));
    expect(stopped.reason).toBe('stopped by the user');
    expect(texts(stopped)).toContain('The guest did not power off within 20 s');
    expect(texts(stopped)).toContain('QEMU quit');
    expect(texts(stopped).some((t) => t.includes('Force'))).toBe(false);
  });

  it('force during a normal stop cuts the wait short; the same teardown escalates', async () => {
    const running = await bootRich();
    const started = Date.now();
    const normal = files.manager.stop(running.id);
    const waiting = await waitForRun(files.manager, running.id, (r) => Boolean(r.powerDown));
    expect(waiting.status).toBe('stopping');
    expect(waiting.powerDown?.graceMs).toBe(GRACE_MS);
    expect(waiting.steps.at(-1)).toMatchObject({
      text: 'Asked the guest to power off (up to 20 s)',
      state: 'active',
    });
    await sleep(1000);
    expect(files.manager.get(running.id)?.status).toBe('stopping');
    const forced = await files.manager.stop(running.id, { force: true });
    // Only what tells a forced stop from a waited one; its speed is in bench/fault-bench.ts.
    expect(Date.now() - started).toBeLessThan(GRACE_MS);
    expectNothingLeft(forced, pidsOf(running));
    // Both callers see the one outcome.
    expect((await normal).endedAt).toBe(forced.endedAt);
    expect(forced.reason).toBe('force-stopped by the user');
    expect(forced.powerDown ?? null).toBeNull();
    const steps = texts(forced);
    expect(steps.filter((t) => t.startsWith('Asked the guest to power off'))).toHaveLength(0);
    expect(steps.some((t) => /^Force stop: stopped waiting for the guest after \d/.test(t))).toBe(
      true,
    );
    expect(steps).toContain('Forced: QEMU quit');
    expect(steps.filter((t) => t.includes('QMP quit') || t.includes('QEMU quit'))).toHaveLength(1);
  });

  it('force stop of a running run quits QEMU at once, without asking the guest', async () => {
    const running = await bootRich();
    const started = Date.now();
    const stopped = await files.manager.stop(running.id, { force: true });
    expect(Date.now() - started).toBeLessThan(GRACE_MS);
    expectNothingLeft(stopped, pidsOf(running));
    expect(stopped.reason).toBe('force-stopped by the user');
    const steps = texts(stopped);
    expect(steps.some((t) => t.includes('power off'))).toBe(false);
    expect(steps).toContain('Forced: QEMU quit');
  });
});
