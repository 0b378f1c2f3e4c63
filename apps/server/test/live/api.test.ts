import type { RunInfo, Topology } from '@mpqemu/shared';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, createTestEnv, type TestEnv } from '../api/harness.ts';
import { TCG_ACK, isAlive, loadExample, waitForConsole, waitForRun } from '../runs/helpers.ts';
import { guestLosesDevice, guestReadsId } from './guest.ts';
import { ensureGuest } from '../support/guest.ts';

let env: TestEnv;
let caller: ReturnType<typeof callerFor>;

beforeAll(async () => {
  await ensureGuest();
  env = await createTestEnv();
  caller = callerFor(env.services);
});
afterAll(async () => {
  await env.cleanup();
});

/** The example plus an e1000e in its own remote process, at no explicit slot. */
function withNic(topology: Topology): Topology {
  return {
    ...topology,
    processes: [...topology.processes, { id: 'rp1', label: '', restart: { mode: 'never' } }],
    devices: [
      ...topology.devices,
      {
        id: 'nic1',
        family: 'net',
        model: 'e1000e',
        placement: { kind: 'remote', process: 'rp1' },
        backend: { type: 'user', hostForwards: [] },
      },
    ],
  };
}

async function refusal(p: Promise<unknown>): Promise<TRPCError> {
  const e: unknown = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(e)}`);
  return e;
}

describe('runs.applyLive and runs.diffLive on a running VM', () => {
  it('hot-adds an e1000e the guest lists, then hot-removes it; its process exits 0', async () => {
    const topology = loadExample('upstream-lsi.json');
    const run = await caller.runs.start({ topology, acknowledged: TCG_ACK });
    const runs = env.services.runs;
    await waitForRun(runs, run.id, (r) => r.status === 'running');
    await waitForConsole(runs, run.id, /guest# /);
    // Once it runs, a process's pid is QEMU's own (in a jail, not its wrapper's).
    const main = await mainPid(run.id);

    const edited = withNic(topology);
    const diff = await caller.runs.diffLive({ runId: run.id, topology: edited });
    expect(diff.restart).toEqual([]);
    expect(diff.live.map((c) => c.kind)).toEqual(['add-device', 'add-process']);

    const added = await caller.runs.applyLive({
      runId: run.id,
      topology: edited,
      acknowledged: TCG_ACK,
    });
    const rp1 = added.processes.find((p) => p.name === 'rp1');
    // Slots 0-1 are the chipset's, 5 is lsi0's: the first free one is 2.
    expect(rp1).toMatchObject({ status: 'running', pciSlot: 2, restarts: 0 });
    expect(added.topology.devices.map((d) => d.id)).toEqual(['lsi0', 'nic1']);
    expect(added.spares.left).toBe(3);
    expect(await guestReadsId(runs, run.id, '0000:00:02.0', '8086 10d3')).toBe('8086 10d3');

    const removed = await caller.runs.applyLive({
      runId: run.id,
      topology,
      acknowledged: TCG_ACK,
    });
    expect(removed.processes.map((p) => p.name)).toEqual(['rp0', 'main']);
    expect(removed.steps.map((s) => s.text)).toContain(
      'rp1 exited with code 0 after nic1 was unplugged',
    );
    expect(isAlive(rp1?.pid ?? -1)).toBe(false);
    expect(await guestLosesDevice(runs, run.id, '0000:00:02.0')).toBe('gone');
    expect(await mainPid(run.id)).toBe(main);
    await caller.runs.stop({ runId: run.id });
  });

  it('refuses a change that needs a VM restart, naming it, and changes nothing', async () => {
    const topology = loadExample('upstream-lsi.json');
    const run = await caller.runs.start({ topology, acknowledged: TCG_ACK });
    await waitForRun(env.services.runs, run.id, (r) => r.status === 'running');
    const edited = withNic({ ...topology, vm: { ...topology.vm, cpus: 2 } });

    const e = await refusal(
      caller.runs.applyLive({ runId: run.id, topology: edited, acknowledged: TCG_ACK }),
    );
    expect(e.code).toBe('PRECONDITION_FAILED');
    expect(e.message).toBe(
      'not applied: this change needs a VM restart: The vCPU count changed (1 → 2); it is fixed while the main QEMU runs',
    );
    const after = await caller.runs.get({ runId: run.id });
    expect(after.processes.map((p) => p.name)).toEqual(['rp0', 'main']);
    expect(after.topology).toEqual(topology);

    const main = await refusal(caller.runs.restartProcess({ runId: run.id, process: 'main' }));
    expect(main.message).toContain('the main QEMU is the VM itself and is never restarted alone');
    await caller.runs.stop({ runId: run.id });
    const stopped = await refusal(caller.runs.restartProcess({ runId: run.id, process: 'rp0' }));
    expect(stopped.message).toBe(
      `run ${run.id} is stopped; you can restart a device process only while the VM runs`,
    );
  });
});

async function mainPid(runId: string): Promise<number | null> {
  const info: RunInfo = await caller.runs.get({ runId });
  return info.processes.find((p) => p.name === 'main')?.pid ?? null;
}
