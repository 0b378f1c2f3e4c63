/**
 * The doctor through the API (createCaller), the real QEMU and the test guest: a run streams its
 * progress, stores its result, and the capabilities the UI and the validator read next carry it.
 * The expected status follows what this host measured, so no QEMU version or KVM state is pinned.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  proxySupport,
  TOPOLOGY_VERSION,
  TopologySchema,
  validate,
  type Capabilities,
  type Topology,
} from '@mpqemu/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/context.ts';
import { withMeasured } from '../../src/doctor/overlay.ts';
import type { DoctorFeedEvent } from '../../src/doctor/service.ts';
import { createRunManager } from '../../src/runs/manager.ts';
import { callerFor, capabilities } from '../api/harness.ts';
import { doctorProcesses } from './helpers.ts';
import { ensureGuest } from '../support/guest.ts';

let dataDir: string;
let services: Services;
const savedTmp = process.env.TMPDIR;

beforeAll(async () => {
  await ensureGuest();
  dataDir = await mkdtemp(join(tmpdir(), 'mpq-doctor-'));
  // Doctor's run directories (and so its QEMUs' command lines) land here, apart from anyone else's.
  process.env.TMPDIR = dataDir;
  const caps = withMeasured(capabilities(), dataDir);
  const runs = createRunManager({ capabilities: () => caps.get(), dataDir });
  services = await createServices({ dataDir, runs, capabilities: caps });
});

afterAll(async () => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  await services.runs.shutdown();
  await rm(dataDir, { recursive: true, force: true });
});

function testdevTopology(machine: 'pc' | 'q35'): Topology {
  return TopologySchema.parse({
    version: TOPOLOGY_VERSION,
    vm: {
      name: 'vm',
      machine,
      accel: 'tcg',
      cpus: 1,
      memoryMiB: 256,
      boot: { kind: 'none' },
    },
    processes: [{ id: 'rp0' }],
    devices: [
      {
        id: 't0',
        family: 'other',
        model: 'pci-testdev',
        placement: { kind: 'remote', process: 'rp0' },
      },
    ],
    drives: [],
  });
}

const codes = (caps: Capabilities, machine: 'pc' | 'q35') =>
  validate(testdevTopology(machine), caps).map((p) => p.code);

describe('doctor API', () => {
  it('measures pci-testdev on pc, stores it, and the capabilities then override its catalogue status', async () => {
    const caller = callerFor(services);
    const before = await caller.capabilities.get();
    expect(before.measured).toBeUndefined();
    for (const machine of ['pc', 'q35']) {
      expect(proxySupport('pci-testdev', before, machine)).toMatchObject({
        status: 'verified',
        source: 'catalogue',
      });
    }
    expect(codes(before, 'q35')).not.toContain('proxy.untested');
    expect(await caller.doctor.measured()).toBeNull();

    const events: DoctorFeedEvent[] = [];
    for await (const event of await caller.doctor.run({
      models: ['pci-testdev'],
      machines: ['pc'],
    })) {
      events.push(event);
    }
    expect(events.map((e) => e.type)).toEqual(['check', 'result', 'done', 'stored']);
    const result = events[1]?.type === 'result' ? events[1].result : undefined;
    expect(result).toMatchObject({ model: 'pci-testdev', machine: 'pc' });
    expect(result?.evidence.at(-1)).toMatch(/^cleanup: all \d+ QEMU processes ended$/);

    const after = await caller.capabilities.get();
    expect(after.measured?.report.results).toEqual([result]);
    const onPc = proxySupport('pci-testdev', after, 'pc');
    expect(onPc.source).toBe('measured');
    expect(onPc.status).toBe(result?.enumerated ? 'verified' : 'unsupported');
    expect(onPc.status === 'unsupported' ? onPc.reason : onPc.note).toMatch(
      new RegExp(`^Measured on this host's QEMU ${after.version ?? ''} on \\d{4}-\\d{2}-\\d{2}: `),
    );
    // Measured on pc only: on q35 this host's QEMU is unknown (or failed already on pc).
    const onQ35 = proxySupport('pci-testdev', after, 'q35');
    expect(onQ35.status).toBe(result?.enumerated ? 'untested' : 'unsupported');
    expect(codes(after, 'q35')).toContain(
      result?.enumerated ? 'proxy.untested' : 'proxy.unsupported',
    );
    expect((await caller.doctor.measured())?.report.results).toEqual([result]);
  });

  it('ignores a stored file that fails validation: the catalogue defaults apply again', async () => {
    const dir = join(dataDir, 'doctor');
    const [file] = await readdir(dir);
    await writeFile(join(dir, file ?? 'missing'), '{"format":1,"identity":{"path":"/bin/sh"}}');
    const caps = await callerFor(services).capabilities.get();
    expect(caps.measured).toBeUndefined();
    expect(proxySupport('pci-testdev', caps).source).toBe('catalogue');
  });

  it('runs one doctor at a time, and an aborted run leaves no QEMU behind', async () => {
    const controller = new AbortController();
    const feed = await callerFor(services, controller.signal).doctor.run({
      models: ['lsi53c895a'],
      machines: ['pc'],
    });
    const iterator = feed[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'check', model: 'lsi53c895a' });
    const second = await callerFor(services).doctor.run({ models: ['e1000e'], machines: ['pc'] });
    await expect(second[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('doctor is already running') as string,
    });

    const pending = iterator.next();
    // Let the VM start, then abort it mid-check.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    controller.abort();
    await pending.catch(() => undefined);
    await iterator.return?.(undefined);
    expect(services.doctor.isRunning()).toBe(false);
    expect(await doctorProcesses(dataDir)).toEqual([]);
  });
});
