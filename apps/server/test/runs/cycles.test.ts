import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  TCG_ACK,
  isAlive,
  loadExample,
  makeManager,
  openFds,
  pidsOf,
  qemuUnder,
  waitForRun,
} from './helpers.ts';
import { ensureGuest } from '../support/guest.ts';

beforeAll(ensureGuest);

describe('start/stop cycles', () => {
  it('leaves no process and no file descriptor behind after 20 cycles', async () => {
    // A short grace: the guest has not booted far enough to honour the power button.
    const { manager, dataDir } = await makeManager({ stopGraceMs: 300, killGraceMs: 2000 });
    const topology = loadExample('upstream-lsi.json');
    const cycle = async (): Promise<number[]> => {
      const { id } = await manager.start(topology, { acknowledged: TCG_ACK });
      const running = await waitForRun(manager, id, (r) => r.status === 'running');
      const stopped = await manager.stop(id);
      expect(stopped.status).toBe('stopped');
      return pidsOf(running);
    };
    // One warm-up cycle: the first start opens lazily created handles (probe, module loading).
    await cycle();
    const baseline = openFds();
    const pids: number[] = [];
    for (let i = 0; i < 20; i++) pids.push(...(await cycle()));
    expect(pids).toHaveLength(40);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    expect(qemuUnder(dataDir)).toEqual([]);
    // Pipes and sockets close a moment after the exits are reaped.
    for (let i = 0; i < 50 && openFds() > baseline; i++) await sleep(100);
    console.log(`open fds: ${baseline} before the 20 cycles, ${openFds()} after`);
    expect(openFds()).toBeLessThanOrEqual(baseline);
    await manager.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  });
});
