/**
 * topologies.hostCheck is Start's host check, run while the user edits: the same problems, with
 * the same codes and words, on the same nodes.
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Problem, Topology } from '@mpqemu/shared';
import { TRPCError } from '@trpc/server';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TCG_ACK, loadExample, waitForRun } from '../runs/helpers.ts';
import { callerFor, createTestEnv, type TestEnv } from './harness.ts';
import { ensureGuest } from '../support/guest.ts';

let env: TestEnv;
let caller: ReturnType<typeof callerFor>;
let images: string;

beforeAll(async () => {
  await ensureGuest();
  env = await createTestEnv();
  caller = callerFor(env.services);
  images = join(env.dataDir, 'images');
  await mkdir(images, { recursive: true });
});
afterAll(async () => {
  await env.cleanup();
});

/** The upstream example with its disk at `path`, declared as `format`. */
function upstreamWith(path: string, format: 'raw' | 'qcow2' = 'raw', readOnly = false): Topology {
  const t = loadExample('upstream-lsi.json');
  return { ...t, drives: t.drives.map((d) => ({ ...d, image: { path, format, readOnly } })) };
}

function image(name: string, format: 'raw' | 'qcow2'): string {
  const path = join(images, name);
  execFileSync('qemu-img', ['create', '-q', '-f', format, path, '16M']);
  return path;
}

const HOST_CHECK_CHILD = join(import.meta.dirname, 'fixtures', 'host-check.ts');
let checks = 0;

/**
 * topologies.hostCheck of each topology, in one child process that has no privilege over files.
 * Root passes every permission check through its capabilities (CAP_DAC_OVERRIDE), so as root the
 * child runs with none: the kernel then checks it like any user, and unlike a switch to nobody it
 * can still read a checkout under /root. Any other user is unprivileged already.
 */
async function hostCheckUnprivileged(...topologies: Topology[]): Promise<Problem[][]> {
  const files = [];
  for (const topology of topologies) {
    const file = join(env.dataDir, `topology-${++checks}.json`);
    await writeFile(file, JSON.stringify(topology));
    files.push(file);
  }
  const child = ['--import', 'tsx', HOST_CHECK_CHILD, env.dataDir, ...files];
  const { stdout } =
    process.getuid?.() === 0
      ? await execa('setpriv', [
          '--bounding-set=-all',
          '--inh-caps=-all',
          '--',
          process.execPath,
          ...child,
        ])
      : await execa(process.execPath, child);
  // Root without capabilities cannot make a jail either (bwrap cannot map its uid): the probe
  // says so, rightly; these tests are about the files.
  return (JSON.parse(stdout) as Problem[][]).map((list) =>
    list.filter((p) => !p.code.startsWith('host.jail') && p.code !== 'host.unconfined'),
  );
}

async function startRefusal(topology: Topology): Promise<Problem[]> {
  const e: unknown = await caller.runs.start({ topology, acknowledged: TCG_ACK }).then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof TRPCError)) throw new Error(`expected a refusal, got ${String(e)}`);
  return (e.cause as { problems?: Problem[] } | undefined)?.problems ?? [];
}

describe('topologies.hostCheck', () => {
  it('finds nothing wrong with the upstream example on its own disk', async () => {
    expect(
      await caller.topologies.hostCheck({ topology: upstreamWith(image('ok.img', 'raw')) }),
    ).toEqual([]);
  });

  it('puts a missing image on its drive node, with the words Start refuses with', async () => {
    const topology = upstreamWith(join(images, 'gone.img'));
    const problems = await caller.topologies.hostCheck({ topology });
    expect(problems).toEqual([
      {
        severity: 'error',
        code: 'host.missing',
        message: `drive disk0: image ${join(images, 'gone.img')} does not exist`,
        path: 'drives[0].image.path',
        nodeIds: ['disk0'],
      },
    ]);
    expect(await startRefusal(topology)).toEqual(problems);
  });

  it('tells a qcow2 file declared raw (and a raw one declared qcow2)', async () => {
    const qcow = image('q.qcow2', 'qcow2');
    const [asRaw] = await caller.topologies.hostCheck({ topology: upstreamWith(qcow, 'raw') });
    expect(asRaw).toMatchObject({ code: 'host.format-mismatch', nodeIds: ['disk0'] });
    expect(asRaw?.message).toBe(
      `drive disk0: image ${qcow} holds a qcow2 image but the drive's format is raw; set the format to qcow2`,
    );
    const raw = image('r.img', 'raw');
    const [asQcow] = await caller.topologies.hostCheck({ topology: upstreamWith(raw, 'qcow2') });
    expect(asQcow).toMatchObject({ code: 'host.format-mismatch', nodeIds: ['disk0'] });
  });

  it('reports a kernel that is not a file on the VM node', async () => {
    const t = upstreamWith(image('k.img', 'raw'));
    const dir = join(images, 'a-directory');
    await mkdir(dir);
    const boot = { ...t.vm.boot, kernel: dir } as Topology['vm']['boot'];
    const problems = await caller.topologies.hostCheck({
      topology: { ...t, vm: { ...t.vm, boot } },
    });
    expect(problems.map((p) => [p.code, p.nodeIds])).toEqual([['host.not-a-file', ['$vm']]]);
  });

  it('wants a writable image unless the drive is read-only', async () => {
    const path = join(images, 'ro.img');
    await writeFile(path, Buffer.alloc(1024 * 1024));
    await chmod(path, 0o444);
    const [writable, readOnly] = await hostCheckUnprivileged(
      upstreamWith(path),
      upstreamWith(path, 'raw', true),
    );
    expect(writable).toEqual([
      {
        severity: 'error',
        code: 'host.unreadable',
        message: `drive disk0: image ${path} cannot be opened for writing (make the drive read-only or fix its permissions) (EACCES)`,
        path: 'drives[0].image.path',
        nodeIds: ['disk0'],
      },
    ]);
    expect(readOnly).toEqual([]);
  });

  it('says which run has an image open while it runs, as Start does', async () => {
    const topology = upstreamWith(image('busy.img', 'raw'));
    const started = await caller.runs.start({
      topology,
      acknowledged: TCG_ACK,
      topologyName: 'first',
    });
    try {
      const problems = await caller.topologies.hostCheck({ topology });
      expect(problems).toEqual([
        expect.objectContaining({ code: 'host.image-in-use', nodeIds: ['disk0'] }),
      ]);
      expect(problems[0]?.message).toContain(`in use by run ${started.id} (first)`);
      expect(await startRefusal(topology)).toEqual(problems);
      // Editing that running VM itself: its own images are not in use by another run.
      expect(await caller.topologies.hostCheck({ topology, ownRun: started.id })).toEqual([]);
    } finally {
      await caller.runs.stop({ runId: started.id, force: true });
    }
    await waitForRun(env.services.runs, started.id, (r) => r.status === 'stopped');
    expect(await caller.topologies.hostCheck({ topology })).toEqual([]);
  });
});
