import {
  existsSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Topology } from '@mpqemu/shared';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeCapabilities } from '../../src/probe/index.ts';
import { StartRefused, type RunManager } from '../../src/runs/types.ts';
import {
  TCG_ACK,
  loadExample,
  makeManager,
  qemuUnder,
  tempDataDir,
  waitForRun,
} from './helpers.ts';
import { GUEST } from '../support/repo.ts';
import { ensureGuest } from '../support/guest.ts';

let manager: RunManager;
let dataDir: string;
let scratch: string;

beforeAll(async () => {
  await ensureGuest();
  scratch = await tempDataDir();
  // Not /tmp itself: an ancestor of the data directory is never a root.
  ({ manager, dataDir } = await makeManager({ imageRoots: [GUEST, scratch] }));
});
afterAll(async () => {
  await manager.shutdown();
  for (const dir of [dataDir, scratch]) rmSync(dir, { recursive: true, force: true });
});

async function refusal(promise: Promise<unknown>): Promise<StartRefused> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StartRefused);
  return error as StartRefused;
}

/** What this process has open of the test guest's files (the examples' kernel, initrd, disks). */
function guestFilesOpen(): string[] {
  const guest = realpathSync(GUEST);
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target.startsWith(`${guest}/`) ? [target] : [];
    } catch {
      return []; // closed since the listing (the listing's own descriptor, say)
    }
  });
}

/** Nothing was started, nothing was left on disk, and the host check's descriptors are closed. */
function expectNothingStarted(m: RunManager, dir: string): void {
  expect(m.list()).toEqual([]);
  expect(qemuUnder(dir)).toEqual([]);
  const runs = join(dir, 'runs');
  expect(existsSync(runs) ? readdirSync(runs) : []).toEqual([]);
  expect(guestFilesOpen()).toEqual([]);
}

function withDiskImage(topology: Topology, path: string, format: 'raw' | 'qcow2'): Topology {
  return {
    ...topology,
    drives: topology.drives.map((d) => ({ ...d, image: { ...d.image, path, format } })),
  };
}

describe('start() refuses before starting anything', () => {
  it('a topology with errors', async () => {
    const t = loadExample('upstream-lsi.json');
    const broken: Topology = {
      ...t,
      devices: [
        ...t.devices,
        {
          id: 'tst0',
          family: 'other',
          model: 'pci-testdev',
          placement: { kind: 'remote', process: 'rp0' },
          slot: 9,
        },
      ] as Topology['devices'],
    };
    const e = await refusal(manager.start(broken, { acknowledged: TCG_ACK }));
    expect(e.message).toMatch(/^the topology has errors: /);
    expect(e.problems.map((p) => p.code)).toContain('remote.multiple-devices');
    expectNothingStarted(manager, dataDir);
  });

  it('warnings the user has not acknowledged', async () => {
    const e = await refusal(manager.start(loadExample('upstream-lsi.json')));
    expect(e.message).toContain('proxy.tcg-no-interrupts');
    expect(e.problems.every((p) => p.severity === 'warning')).toBe(true);
    expectNothingStarted(manager, dataDir);
  });

  it('a missing disk image', async () => {
    const missing = join(scratch, 'no-such-disk.img');
    const t = withDiskImage(loadExample('upstream-lsi.json'), missing, 'raw');
    const e = await refusal(manager.start(t, { acknowledged: TCG_ACK }));
    expect(e.message).toBe(`host check failed: drive disk0: image ${missing} does not exist`);
    expect(e.problems[0]).toMatchObject({ code: 'host.missing', path: 'drives[0].image.path' });
    expectNothingStarted(manager, dataDir);
  });

  it('an image that is not what it is declared to be (not a qcow2)', async () => {
    const fake = join(scratch, 'fake.qcow2');
    writeFileSync(fake, Buffer.alloc(1024 * 1024));
    const t = withDiskImage(loadExample('upstream-lsi.json'), fake, 'qcow2');
    const e = await refusal(manager.start(t, { acknowledged: TCG_ACK }));
    expect(e.message).toBe(
      `host check failed: drive disk0: image ${fake} holds a raw image but the drive's format is qcow2; set the format to raw`,
    );
    expect(e.problems[0]).toMatchObject({ code: 'host.format-mismatch', nodeIds: ['disk0'] });
    expectNothingStarted(manager, dataDir);
  });

  it('an image outside the allowed directories', async () => {
    const e = await refusal(
      manager.start(withDiskImage(loadExample('upstream-lsi.json'), '/etc/hostname', 'raw'), {
        acknowledged: TCG_ACK,
      }),
    );
    expect(e.problems[0]?.code).toBe('host.outside-roots');
    expect(e.message).toContain('/etc/hostname is outside the image roots');
    expectNothingStarted(manager, dataDir);
  });

  it('a missing QEMU binary', async () => {
    const dir = await tempDataDir();
    const { manager: noQemu } = await makeManager({
      dataDir: dir,
      capabilities: () => probeCapabilities('/nonexistent/qemu-system-x86_64'),
    });
    const e = await refusal(
      noQemu.start(loadExample('upstream-lsi.json'), { acknowledged: TCG_ACK }),
    );
    expect(e.message).toContain('/nonexistent/qemu-system-x86_64');
    expect(e.message).toContain('apt-get install qemu-system-x86');
    expectNothingStarted(noQemu, dir);

    // Probed once, removed since: the start is still refused, by the host check.
    const real = await probeCapabilities('qemu-system-x86_64', {
      kvmGuest: null,
      kvmTimeoutMs: 500,
    });
    const { manager: gone } = await makeManager({
      dataDir: dir,
      capabilities: () => Promise.resolve({ ...real, binary: '/nonexistent/qemu-system-x86_64' }),
    });
    const e2 = await refusal(
      gone.start(loadExample('upstream-lsi.json'), { acknowledged: TCG_ACK }),
    );
    expect(e2.problems[0]?.code).toBe('host.qemu-missing');
    expect(e2.message).toContain('apt-get install qemu-system-x86');
    expectNothingStarted(gone, dir);
  });
});

describe('preflight warnings', () => {
  it('reports an ignored backing file in the run problems', async () => {
    const overlay = join(scratch, 'overlay.qcow2');
    await execa('qemu-img', [
      'create',
      '-q',
      '-f',
      'qcow2',
      '-b',
      join(GUEST, 'disk0.img'),
      '-F',
      'raw',
      overlay,
    ]);
    const t = withDiskImage(loadExample('upstream-lsi.json'), overlay, 'qcow2');
    const started = await manager.start(t, { acknowledged: TCG_ACK });
    const warning = started.problems.find((p) => p.code === 'image.backing-ignored');
    expect(warning?.message).toContain(
      `backing file ${join(GUEST, 'disk0.img')} is ignored (backing: null)`,
    );
    await waitForRun(manager, started.id, (r) => r.status === 'running');
    expect((await manager.stop(started.id)).status).toBe('stopped');
  });
});
