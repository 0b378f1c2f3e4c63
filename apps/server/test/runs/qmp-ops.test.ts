/**
 * The allow-listed QMP operations, through the API (createCaller) and the launcher, on a real
 * multi-process VM: the LSI controller proxied into remote process rp0 under TCG.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { QMP_OPERATIONS, QMP_OPERATION_NAMES, type Topology } from '@mpqemu/shared';
import type { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { QmpRefused } from '../../src/runs/types.ts';
import { callerFor, createTestEnv, type TestEnv } from '../api/harness.ts';
import { TCG_ACK, loadExample, qemuUnder, waitForConsole, waitForRun } from './helpers.ts';
import { ensureGuest } from '../support/guest.ts';
import { trpcError } from '../support/trpc-error.ts';

interface PciDevice {
  qdev_id: string;
  slot: number;
  id: { vendor: number; device: number };
}
interface PciBus {
  devices: PciDevice[];
}

let env: TestEnv;
let caller: ReturnType<typeof callerFor>;
let runId: string;

/** The upstream example on a disk of its own: QEMU write-locks images, and others use the shared one. */
function upstreamOnOwnDisk(dir: string): Topology {
  const t = loadExample('upstream-lsi.json');
  const path = join(dir, 'disk0.img');
  execFileSync('qemu-img', ['create', '-q', '-f', 'raw', path, '16M']);
  return { ...t, drives: t.drives.map((d) => ({ ...d, image: { ...d.image, path } })) };
}

function pciDevice(result: unknown, qdevId: string): PciDevice | undefined {
  return (result as PciBus[]).flatMap((bus) => bus.devices).find((d) => d.qdev_id === qdevId);
}

/** The fields a schema refusal names (the HTTP layer turns them into `details.fieldErrors`). */
function issuePaths(e: TRPCError): string[] {
  expect(e.cause).toBeInstanceOf(ZodError);
  return (e.cause as ZodError).issues.map((i) => i.path.join('.'));
}

const hex = (n: number | undefined) => (n ?? -1).toString(16).padStart(4, '0');

beforeAll(async () => {
  await ensureGuest();
  env = await createTestEnv();
  caller = callerFor(env.services);
  const started = await caller.runs.start({
    topology: upstreamOnOwnDisk(join(env.dataDir, 'images')),
    acknowledged: TCG_ACK,
  });
  runId = started.id;
  await waitForRun(env.services.runs, runId, (r) => r.status === 'running');
});
afterAll(async () => {
  const dataDir = env.dataDir;
  await env.cleanup();
  expect(qemuUnder(dataDir)).toEqual([]);
});

describe('runs.qmp: allow-listed QMP operations', () => {
  it('lists exactly the documented operations, with only the two guest actions not read-only', () => {
    expect(Object.keys(QMP_OPERATIONS).sort()).toEqual([...QMP_OPERATION_NAMES].sort());
    const acting = QMP_OPERATION_NAMES.filter((op) => !QMP_OPERATIONS[op].readOnly);
    expect(acting).toEqual(['system_reset', 'system_powerdown']);
    expect(QMP_OPERATION_NAMES.filter((op) => QMP_OPERATIONS[op].mainOnly)).toEqual(acting);
  });

  it("remote query-pci shows the proxied device's real IDs; the main's proxy shows 0000:0000", async () => {
    const remote = await caller.runs.qmp({ runId, process: 'rp0', op: 'query-pci' });
    expect(remote).toMatchObject({ runId, process: 'rp0', op: 'query-pci' });
    const lsi = pciDevice(remote.result, 'lsi0');
    expect(`${hex(lsi?.id.vendor)}:${hex(lsi?.id.device)}`).toBe('1000:0012');

    // Why the op exists: the main QEMU cannot tell what sits behind its proxy (docs/qemu-facts.md).
    const main = await caller.runs.qmp({ runId, process: 'main', op: 'query-pci' });
    const proxy = pciDevice(main.result, 'lsi0');
    expect(proxy?.slot).toBe(5);
    expect(`${hex(proxy?.id.vendor)}:${hex(proxy?.id.device)}`).toBe('0000:0000');
  });

  it('answers the launcher directly too, for every read-only op on every process', async () => {
    for (const process of ['rp0', 'main']) {
      for (const op of QMP_OPERATION_NAMES.filter((o) => QMP_OPERATIONS[o].readOnly)) {
        const result = await env.services.runs.qmp(runId, process, op);
        expect(result, `${process} ${op}`).toBeDefined();
      }
    }
    expect(await env.services.runs.qmp(runId, 'main', 'query-status')).toMatchObject({
      running: true,
      status: 'running',
    });
  });

  it('rejects an op outside the enum, and any argument, in the input schema', async () => {
    for (const op of ['quit', 'human-monitor-command', 'migrate', 'device_add', 'QUERY-PCI']) {
      const e = await trpcError(caller.runs.qmp({ runId, process: 'main', op } as never));
      expect(e.code).toBe('BAD_REQUEST');
      expect(issuePaths(e)).toEqual(['op']);
    }
    const withArgs = await trpcError(
      caller.runs.qmp({
        runId,
        process: 'main',
        op: 'query-status',
        arguments: { 'command-line': 'quit' },
      } as never),
    );
    expect(withArgs.code).toBe('BAD_REQUEST');
    expect(withArgs.cause).toBeInstanceOf(ZodError);
    expect((withArgs.cause as ZodError).issues).toMatchObject([
      { code: 'unrecognized_keys', keys: ['arguments'] },
    ]);
    // The launcher refuses on its own as well, for callers that skip the API.
    await expect(env.services.runs.qmp(runId, 'main', 'quit' as never)).rejects.toThrow(
      '"quit" is not an allowed QMP operation',
    );
    expect(env.services.runs.get(runId)?.status).toBe('running');
  });

  it('refuses a main-only op on a remote process with a clear message', async () => {
    const e = await trpcError(caller.runs.qmp({ runId, process: 'rp0', op: 'system_reset' }));
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.message).toBe(
      'system_reset acts on the whole VM and is only available on the main QEMU; rp0 is a remote process (it emulates lsi0)',
    );
    const direct = await env.services.runs
      .qmp(runId, 'rp0', 'system_powerdown')
      .catch((x: unknown) => x);
    expect(direct).toBeInstanceOf(QmpRefused);
    expect((direct as QmpRefused).kind).toBe('not-allowed');
    expect(await env.services.runs.qmp(runId, 'rp0', 'query-status')).toMatchObject({
      running: true,
    });
  });

  it('an unknown process is NOT_FOUND', async () => {
    const e = await trpcError(caller.runs.qmp({ runId, process: 'rp9', op: 'query-status' }));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toBe(`Run "${runId}" has no process "rp9".`);
  });

  it('system_reset on the main QEMU reboots the guest', async () => {
    await waitForConsole(env.services.runs, runId, 'mpqemu-guest: pci-done');
    const reset = await caller.runs.qmp({ runId, process: 'main', op: 'system_reset' });
    expect(reset.result).toEqual({});
    // The console backlog already holds one boot; a second banner can only come from the reset.
    const output = await waitForConsole(
      env.services.runs,
      runId,
      /mpqemu-guest: booted[\s\S]*mpqemu-guest: booted/,
    );
    expect(output.split('mpqemu-guest: booted').length - 1).toBe(2);
    expect(env.services.runs.get(runId)?.status).toBe('running');
  });

  it('after stop, an op is refused as unavailable (PRECONDITION_FAILED)', async () => {
    expect((await caller.runs.stop({ runId })).status).toBe('stopped');
    const e = await trpcError(caller.runs.qmp({ runId, process: 'main', op: 'query-status' }));
    expect(e.code).toBe('PRECONDITION_FAILED');
    expect(e.message).toBe('The run is stopped; QMP needs a running VM.');
  });
});
