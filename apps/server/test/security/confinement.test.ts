/**
 * Confinement against real QEMU and real files: the server's own token file cannot be attached by
 * any name, hostile backing files are never contacted or opened (preflight and start), and a file
 * swapped for a symbolic link during start never ends up held by QEMU.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isInside, type Topology } from '@mpqemu/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveToken } from '../../src/security/token.ts';
import { StartRefused } from '../../src/runs/types.ts';
import { loadExample, managerForFile, pidsOf, qemuUnder, waitForRun } from '../runs/helpers.ts';
import {
  backedImage,
  countingListener,
  fifoOpened,
  hostileBackings,
  makeFifo,
  type CountingListener,
} from '../images/hostile.ts';
import { GUEST } from '../support/repo.ts';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'mpq-root-')));
const outside = realpathSync(mkdtempSync(join(tmpdir(), 'mpq-out-')));
const launcher = managerForFile({ imageRoots: [root], stopGraceMs: 1_000 });
let token: string;

beforeAll(async () => {
  token = (await resolveToken(launcher.dataDir, undefined)).file ?? '';
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

/** The upstream example's disk on an LSI controller in the main QEMU: one process, no warning. */
function mainOnly(path: string, format: 'raw' | 'qcow2'): Topology {
  const t = loadExample('upstream-lsi.json');
  return {
    ...t,
    processes: [],
    devices: t.devices.map((d) => ({ ...d, placement: { kind: 'main' as const } })),
    drives: t.drives.map((d) => ({ ...d, image: { ...d.image, path, format } })),
  };
}

async function refused(topology: Topology): Promise<StartRefused> {
  const e: unknown = await launcher.manager.start(topology).catch((err: unknown) => err);
  if (!(e instanceof StartRefused)) throw new Error(`expected a refusal, got ${JSON.stringify(e)}`);
  return e;
}

/** Regular files (not devices, sockets or memfds) a process holds open. */
function heldFiles(pid: number): string[] {
  const out: string[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (target.startsWith('/') && !target.startsWith('/dev/') && !target.startsWith('/proc/'))
        out.push(target.replace(/ \(deleted\)$/, ''));
    } catch {
      // Closed while we looked.
    }
  }
  return out;
}

describe("the server's own token file", () => {
  it.each([
    ['directly', () => token, 'host.outside-roots', /own files/],
    [
      'through a symbolic link in an image root',
      () => {
        symlinkSync(token, join(root, 'token.img'));
        return join(root, 'token.img');
      },
      'host.path',
      /symbolic link/,
    ],
    [
      'through a linked folder in an image root',
      () => {
        symlinkSync(launcher.dataDir, join(root, 'data-link'));
        return join(root, 'data-link', 'token');
      },
      'host.outside-roots',
      /resolves to .*own files/,
    ],
    [
      'through /proc/self/root',
      () => `/proc/self/root${token}`,
      'host.outside-roots',
      /resolves to/,
    ],
  ])('is refused %s, with the problem on the drive', async (_how, path, code, message) => {
    const e = await refused(mainOnly(path(), 'raw'));
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]).toMatchObject({ code, path: 'drives[0].image.path', nodeIds: ['disk0'] });
    expect(e.problems[0]?.message).toMatch(message);
    expect(qemuUnder(launcher.dataDir)).toEqual([]);
  });
});

describe('a path through a linked folder inside a root', () => {
  it('starts with both names shown in a warning on the drive', async () => {
    const real = join(root, 'real-dir');
    mkdirSync(real);
    writeFileSync(join(real, 'disk.img'), Buffer.alloc(1024 * 1024));
    symlinkSync(real, join(root, 'alias-dir'));
    const written = join(root, 'alias-dir', 'disk.img');
    const started = await launcher.manager.start(mainOnly(written, 'raw'));
    expect(started.problems).toContainEqual(
      expect.objectContaining({
        code: 'host.path-resolves-elsewhere',
        nodeIds: ['disk0'],
        message: `drive disk0: image ${written} (resolves to ${join(real, 'disk.img')}); that file is used`,
      }),
    );
    await waitForRun(launcher.manager, started.id, (r) => r.status === 'running');
    expect((await launcher.manager.stop(started.id, { force: true })).status).toBe('stopped');
  });
});

describe('hostile backing files at start', () => {
  let listener: CountingListener;
  let fifo: string;
  beforeAll(async () => {
    listener = await countingListener();
    fifo = join(outside, 'backing.fifo');
    makeFifo(fifo);
  });
  afterAll(() => listener.close());

  it.each(['nbd', 'http', 'json'] as const)(
    'a %s: backing is named in the warning, never contacted nor opened',
    async (kind) => {
      const backing = hostileBackings(listener.port, fifo)[kind];
      const image = backedImage(root, `top-${kind}.qcow2`, backing);
      const topology = mainOnly(image, 'qcow2');
      // Not a hang, so not a confirmation: the run carries the warning for the user to see.
      const started = await launcher.manager.start(topology);
      expect(started.problems).toEqual([
        expect.objectContaining({
          code: 'image.backing-ignored',
          severity: 'warning',
          nodeIds: ['disk0'],
          message: expect.stringContaining(`backing file ${backing} is ignored`) as string,
        }),
      ]);
      const running = await waitForRun(launcher.manager, started.id, (r) => r.status === 'running');
      expect(listener.connections()).toBe(0);
      expect(fifoOpened(fifo)).toBe(false);
      const [pid] = pidsOf(running);
      expect(new Set(heldFiles(pid ?? 0).filter((f) => f.startsWith(root)))).toEqual(
        new Set([image]),
      );
      expect((await launcher.manager.stop(started.id, { force: true })).status).toBe('stopped');
      expect(listener.connections()).toBe(0);
    },
  );
});

describe('the swap race', () => {
  it('100 starts while the image is swapped for a link to a file outside the roots: QEMU never holds it', async () => {
    const secret = join(outside, 'secret.img');
    writeFileSync(secret, Buffer.alloc(1024 * 1024));
    const image = join(root, 'race.img');
    mkdirSync(join(root, '.spare'), { recursive: true });
    writeFileSync(image, Buffer.alloc(1024 * 1024));
    // Swaps race.img between a regular file and a link to the secret, as fast as it can.
    let swapping = true;
    const swapper = (async () => {
      let flip = false;
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set false by the test while this loop awaits
      while (swapping) {
        flip = !flip;
        try {
          if (flip) {
            renameSync(image, join(root, '.spare', 'file'));
            symlinkSync(secret, image);
          } else {
            rmSync(image);
            renameSync(join(root, '.spare', 'file'), image);
          }
        } catch {
          // A start may hold nothing by name; any failure just skips a beat.
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    const outcomes = { started: 0, refused: 0 };
    try {
      for (let i = 0; i < 100; i++) {
        const result = await launcher.manager
          .start(mainOnly(image, 'raw'))
          .catch((e: unknown) => e);
        if (result instanceof StartRefused) {
          outcomes.refused++;
          continue;
        }
        if (result instanceof Error) throw result;
        const started = result as { id: string };
        const info = await waitForRun(
          launcher.manager,
          started.id,
          (r) => r.status === 'running' || r.status === 'failed',
        );
        // A run that fails would prove nothing about what its QEMU holds.
        expect(info.status).toBe('running');
        outcomes.started++;
        for (const pid of pidsOf(info)) {
          const held = heldFiles(pid);
          expect(held).not.toContain(secret);
          for (const f of held) {
            const allowed = [root, launcher.dataDir, GUEST].some((dir) => isInside(f, dir));
            expect(allowed, f).toBe(true);
          }
        }
        await launcher.manager.stop(started.id, { force: true });
      }
    } finally {
      swapping = false;
      await swapper;
    }
    // Both sides of the race were hit: some starts found the link (refused), some the file.
    expect(outcomes.started + outcomes.refused).toBe(100);
    expect(outcomes.started).toBeGreaterThan(0);
    console.log(`swap race: ${outcomes.started} started, ${outcomes.refused} refused`);
  });
});
