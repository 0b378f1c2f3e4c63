/**
 * Issue #22's hard links, with real files and real QEMU: images are checked by identity, not by
 * name. A hard link to the data directory's own settings inside an image root is refused at
 * inspection, at start and at hot-add; a writable image with other hard links needs the user's
 * confirmation (its code in `acknowledged`); another user's file is attached only read-only.
 */
import { execFileSync } from 'node:child_process';
import { chown, link, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Problem, Topology } from '@mpqemu/shared';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, createTestEnv, type TestEnv } from '../api/harness.ts';
import { TCG_ACK, loadExample, waitForRun } from '../runs/helpers.ts';
import { ensureGuest } from '../support/guest.ts';

const HARD_LINK = 'host.image-hard-linked';
const isRoot = process.getuid?.() === 0;

let env: TestEnv;
let caller: ReturnType<typeof callerFor>;
let library: string;
let outside: string;

beforeAll(async () => {
  await ensureGuest();
  env = await createTestEnv();
  caller = callerFor(env.services);
  library = join(env.dataDir, 'images');
  outside = await mkdtemp(join(tmpdir(), 'mpq-outside-'));
  await mkdir(library, { recursive: true });
  // settings.json exists from here on: one of the data directory's own files.
  await caller.settings.setImageRoots({ imageRoots: [] });
  await link(join(env.dataDir, 'settings.json'), join(library, 'settings-link.img'));
  // A file outside every root, and a second name for it inside the library.
  execFileSync('qemu-img', ['create', '-q', '-f', 'raw', join(outside, 'secret.img'), '16M']);
  await link(join(outside, 'secret.img'), join(library, 'linked.img'));
  execFileSync('qemu-img', ['create', '-q', '-f', 'raw', join(library, 'foreign.img'), '16M']);
  if (isRoot) await chown(join(library, 'foreign.img'), 65534, 65534);
});
afterAll(async () => {
  await env.cleanup();
  await rm(outside, { recursive: true, force: true });
});

/** upstream-lsi with its disk on `name` in the library. */
function lsiOn(name: string, readOnly = false): Topology {
  const topology = loadExample('upstream-lsi.json');
  return {
    ...topology,
    drives: topology.drives.map((d) => ({
      ...d,
      image: { path: join(library, name), format: 'raw', readOnly },
    })),
  };
}

async function refused(p: Promise<unknown>): Promise<{ message: string; problems: Problem[] }> {
  const e: unknown = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof TRPCError)) throw new Error(`expected a refusal, got ${String(e)}`);
  const cause = e.cause as { problems?: Problem[] } | undefined;
  return { message: e.message, problems: cause?.problems ?? [] };
}

describe('a hard link to one of the data directory’s files', () => {
  it('is refused by inspection and at start, naming the file it is', async () => {
    const path = join(library, 'settings-link.img');
    const inspected = await caller.images.inspect({ path });
    expect(inspected).toMatchObject({ ok: false, code: 'host.outside-roots' });
    expect(inspected.ok ? '' : inspected.message).toContain(
      `is the same file as ${join(env.dataDir, 'settings.json')} (a hard link)`,
    );
    const listed = await caller.images.list();
    expect(listed.images.map((i) => i.path)).not.toContain(path);
    const start = await refused(
      caller.runs.start({ topology: lsiOn('settings-link.img'), acknowledged: TCG_ACK }),
    );
    expect(start.problems).toContainEqual(
      expect.objectContaining({ code: 'host.outside-roots', path: 'drives[0].image.path' }),
    );
    expect(await caller.runs.list()).toEqual([]);
  });
});

describe('a writable image with other hard links', () => {
  it('is refused until confirmed, then starts; read-only it needs nothing', async () => {
    const start = await refused(
      caller.runs.start({ topology: lsiOn('linked.img'), acknowledged: TCG_ACK }),
    );
    expect(start.message).toMatch(
      /^confirm these warnings before starting \(host.image-hard-linked\)/,
    );
    expect(start.problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: HARD_LINK,
        path: 'drives[0].image.path',
      }),
    ]);
    expect(start.problems[0]?.message).toMatch(
      /has 1 other hard link: the same file under other names/,
    );

    const readOnly = await caller.topologies.hostCheck({ topology: lsiOn('linked.img', true) });
    expect(readOnly.map((p) => p.code)).not.toContain(HARD_LINK);

    const run = await caller.runs.start({
      topology: lsiOn('linked.img'),
      acknowledged: [...TCG_ACK, HARD_LINK],
    });
    const info = await waitForRun(env.services.runs, run.id, (r) => r.status !== 'starting');
    expect(info.status).toBe('running');
    await caller.runs.stop({ runId: run.id, force: true });
  });
});

describe.skipIf(!isRoot)('a file owned by another user', () => {
  it('is refused writable and accepted read-only', async () => {
    const writable = await caller.topologies.hostCheck({ topology: lsiOn('foreign.img') });
    const owner = writable.find((p) => p.code === 'host.foreign-owner');
    expect(owner).toMatchObject({ severity: 'error', path: 'drives[0].image.path' });
    expect(owner?.message).toMatch(
      /belongs to another user \(uid 65534\); it can only be attached read-only/,
    );
    const readOnly = await caller.topologies.hostCheck({ topology: lsiOn('foreign.img', true) });
    expect(readOnly.filter((p) => p.severity === 'error')).toEqual([]);
  });
});

describe('hot-add', () => {
  it('refuses a hard link to the data directory’s files and an unconfirmed hard-linked image', async () => {
    const topology = lsiOn('plain.img');
    execFileSync('qemu-img', ['create', '-q', '-f', 'raw', join(library, 'plain.img'), '16M']);
    const run = await caller.runs.start({ topology, acknowledged: TCG_ACK });
    await waitForRun(env.services.runs, run.id, (r) => r.status === 'running');
    const withDisk = (name: string): Topology => ({
      ...topology,
      processes: [...topology.processes, { id: 'rp1', label: '', restart: { mode: 'never' } }],
      devices: [
        ...topology.devices,
        {
          id: 'vblk1',
          family: 'block',
          model: 'virtio-blk-pci',
          placement: { kind: 'remote', process: 'rp1' },
          serial: 'vblk1',
        },
      ],
      drives: [
        ...topology.drives,
        {
          id: 'disk9',
          model: 'disk-image',
          image: { path: join(library, name), format: 'raw', readOnly: false },
          attachedTo: 'vblk1',
        },
      ],
    });
    try {
      const own = await refused(
        caller.runs.applyLive({
          runId: run.id,
          topology: withDisk('settings-link.img'),
          acknowledged: TCG_ACK,
        }),
      );
      expect(own.problems).toContainEqual(
        expect.objectContaining({ code: 'host.outside-roots', path: 'drives[1].image.path' }),
      );
      const linked = await refused(
        caller.runs.applyLive({
          runId: run.id,
          topology: withDisk('linked.img'),
          acknowledged: TCG_ACK,
        }),
      );
      expect(linked.problems.map((p) => p.code)).toEqual([HARD_LINK]);
      const after = await caller.runs.get({ runId: run.id });
      expect(after.processes.map((p) => p.name)).toEqual(['rp0', 'main']);
    } finally {
      await caller.runs.stop({ runId: run.id, force: true });
    }
  });
});
