/**
 * The image library API through createCaller, on real files: creation, listing, inspection and the
 * saved image roots, with hostile images that must not make the server reach out.
 */
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IMAGE_NAME_RULE, IMAGE_SIZE_RULE } from '@mpqemu/shared';
import type { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImageService } from '../../src/images/service.ts';
import { tokenFilePath } from '../../src/security/token.ts';
import {
  backedImage,
  countingListener,
  fifoOpened,
  hostileBackings,
  makeFifo,
  type CountingListener,
} from '../images/hostile.ts';
import { loadExample, TCG_ACK, waitForRun } from '../runs/helpers.ts';
import { callerFor, createTestEnv, type TestEnv } from './harness.ts';
import { trpcError } from '../support/trpc-error.ts';

let env: TestEnv;
let caller: ReturnType<typeof callerFor>;
let library: string;
let outside: string;

beforeAll(async () => {
  env = await createTestEnv();
  caller = callerFor(env.services);
  library = join(env.dataDir, 'images');
  outside = await mkdtemp(join(tmpdir(), 'mpq-outside-'));
});
afterAll(async () => {
  await env.cleanup();
  await rm(outside, { recursive: true, force: true });
});

function inputIssues(e: TRPCError): { path: unknown[]; message: string }[] {
  const issues = (e.cause as { issues?: { path: unknown[]; message: string }[] }).issues ?? [];
  return issues.map(({ path, message }) => ({ path, message }));
}

describe('images.create', () => {
  it('creates qcow2 and raw images in the library, seen by images.list', async () => {
    const q = await caller.images.create({ name: 'new.qcow2', format: 'qcow2', sizeMiB: 64 });
    const r = await caller.images.create({ name: 'new.img', format: 'raw', sizeMiB: 8 });
    expect(q.path).toBe(join(library, 'new.qcow2'));
    const listing = await caller.images.list();
    expect(listing.roots.map((x) => x.kind)).toEqual(['library', 'samples']);
    const byPath = new Map(listing.images.map((i) => [i.path, i]));
    expect(byPath.get(q.path)).toMatchObject({
      format: 'qcow2',
      virtualSize: 64 * 1024 * 1024,
      backingFile: null,
      root: library,
      usedBy: [],
    });
    // Sparse: a raw image takes (almost) no space until the guest writes.
    expect(byPath.get(r.path)).toMatchObject({ format: 'raw', virtualSize: 8 * 1024 * 1024 });
    expect(byPath.get(r.path)?.allocatedSize).toBeLessThan(1024 * 1024);
  });

  it('refuses to overwrite, and a bad name or size names the field; no temp file is left', async () => {
    const exists = await trpcError(
      caller.images.create({ name: 'new.qcow2', format: 'raw', sizeMiB: 1 }),
    );
    expect(exists.code).toBe('CONFLICT');
    expect(exists.message).toMatch(/^name: .*already exists/);
    const badName = await trpcError(
      caller.images.create({ name: '../escape.img', format: 'raw', sizeMiB: 1 }),
    );
    expect(badName.code).toBe('BAD_REQUEST');
    // Over HTTP the error formatter turns zod's issues into `name: …`; here they are zod's own.
    expect(inputIssues(badName)).toEqual([{ path: ['name'], message: IMAGE_NAME_RULE }]);
    const badSize = await trpcError(
      caller.images.create({ name: 'big.img', format: 'raw', sizeMiB: 0 }),
    );
    expect(inputIssues(badSize)).toEqual([{ path: ['sizeMiB'], message: IMAGE_SIZE_RULE }]);
    const notRoot = await trpcError(
      caller.images.create({ root: outside, name: 'x.img', format: 'raw', sizeMiB: 1 }),
    );
    expect(notRoot.code).toBe('BAD_REQUEST');
    expect(notRoot.message).toMatch(/^root: .* is not an image root/);
    expect((await readdir(library)).sort()).toEqual(['new.img', 'new.qcow2']);
    expect(await readdir(outside)).toEqual([]);
  });

  it('says PRECONDITION_FAILED for a qcow2 without qemu-img, and still makes a raw image', async () => {
    const images = createImageService({
      dataDir: env.dataDir,
      inUse: () => new Map(),
      qemuImg: '/nonexistent/qemu-img',
    });
    const without = callerFor({ ...env.services, images });
    const e = await trpcError(
      without.images.create({ name: 'none.qcow2', format: 'qcow2', sizeMiB: 1 }),
    );
    expect(e.code).toBe('PRECONDITION_FAILED');
    expect(e.message).toMatch(/^qemu-img not found/);
    expect(await without.images.create({ name: 'plain.img', format: 'raw', sizeMiB: 1 })).toEqual({
      path: join(library, 'plain.img'),
    });
    await rm(join(library, 'plain.img'));
  });
});

describe('images.inspect', () => {
  it("refuses the server's own token file, directly, by symlink and through /proc/self/root", async () => {
    const token = tokenFilePath(env.dataDir);
    await writeFile(token, 'x'.repeat(43), { mode: 0o600 });
    await symlink(token, join(library, 'token-link.img'));
    const direct = await caller.images.inspect({ path: token });
    expect(direct).toMatchObject({ ok: false, code: 'host.outside-roots' });
    expect(direct.ok ? '' : direct.message).toMatch(/own files/);
    const link = await caller.images.inspect({ path: join(library, 'token-link.img') });
    expect(link).toMatchObject({ ok: false, code: 'host.path' });
    expect(link.ok ? '' : link.message).toMatch(/symbolic link/);
    const viaProc = `/proc/self/root${token}`;
    const proc = await caller.images.inspect({ path: viaProc });
    expect(proc).toMatchObject({ ok: false, code: 'host.outside-roots' });
    expect(proc.ok ? '' : proc.message).toContain(`${viaProc} (resolves to ${token})`);
  });

  it('refuses a file outside the roots and reports a missing one', async () => {
    await writeFile(join(outside, 'a.img'), '');
    expect(await caller.images.inspect({ path: join(outside, 'a.img') })).toMatchObject({
      ok: false,
      code: 'host.outside-roots',
    });
    expect(await caller.images.inspect({ path: join(library, 'nope.img') })).toMatchObject({
      ok: false,
      code: 'host.missing',
    });
  });
});

describe('hostile backing files', () => {
  let listener: CountingListener;
  let fifo: string;
  beforeAll(async () => {
    listener = await countingListener();
    fifo = join(outside, 'backing.fifo');
    makeFifo(fifo);
    for (const [kind, backing] of Object.entries(hostileBackings(listener.port, fifo))) {
      backedImage(library, `backed-${kind}.qcow2`, backing);
    }
  });
  afterAll(() => listener.close());

  it('lists and inspects them with their backing names, contacting and opening nothing', async () => {
    const names = hostileBackings(listener.port, fifo);
    const listing = await caller.images.list();
    for (const [kind, backing] of Object.entries(names)) {
      const path = join(library, `backed-${kind}.qcow2`);
      expect(listing.images.find((i) => i.path === path)?.backingFile).toBe(backing);
      expect(await caller.images.inspect({ path })).toMatchObject({
        ok: true,
        backingFile: backing,
      });
    }
    expect(listener.connections()).toBe(0);
    expect(fifoOpened(fifo)).toBe(false);
  });
});

describe('images in use', () => {
  it('names the run that holds an image while it runs, and no longer once it stopped', async () => {
    const { path } = await caller.images.create({ name: 'run.img', format: 'raw', sizeMiB: 16 });
    const example = loadExample('upstream-lsi.json');
    const topology = {
      ...example,
      drives: example.drives.map((d) => ({ ...d, image: { ...d.image, path } })),
    };
    const started = await env.services.runs.start(topology, { acknowledged: TCG_ACK });
    try {
      await waitForRun(env.services.runs, started.id, (r) => r.status === 'running');
      const listed = (await caller.images.list()).images.find((i) => i.path === path);
      expect(listed?.usedBy).toEqual([started.id]);
      expect(await caller.images.inspect({ path })).toMatchObject({ usedBy: [started.id] });
    } finally {
      await env.services.runs.stop(started.id, { force: true });
    }
    expect(await caller.images.inspect({ path })).toMatchObject({ ok: true, usedBy: [] });
  });
});

describe('settings', () => {
  it('saves valid image roots, whose images are then listed, and names a bad one', async () => {
    const extra = join(outside, 'vms');
    await mkdir(extra);
    await writeFile(join(extra, 'guest.img'), Buffer.alloc(4096));
    const saved = await caller.settings.setImageRoots({ imageRoots: [extra] });
    expect(saved.imageRoots).toEqual([extra]);
    const listing = await caller.images.list();
    expect(listing.images.find((i) => i.path === join(extra, 'guest.img'))).toMatchObject({
      format: 'raw',
      root: extra,
    });
    expect((await caller.settings.get()).imageRoots).toEqual([extra]);

    const relative = await trpcError(caller.settings.setImageRoots({ imageRoots: ['vms'] }));
    expect(relative.message).toMatch(/imageRoots\.0: .*must be absolute/);
    const inData = await trpcError(
      caller.settings.setImageRoots({ imageRoots: [extra, env.dataDir] }),
    );
    expect(inData.message).toMatch(/imageRoots\.1: .*inside the data directory/);
    const whole = await trpcError(caller.settings.setImageRoots({ imageRoots: ['/'] }));
    expect(whole.message).toMatch(/imageRoots\.0: .*whole filesystem/);
    const missing = await trpcError(
      caller.settings.setImageRoots({ imageRoots: [join(outside, 'nope')] }),
    );
    expect(missing.message).toMatch(/does not exist/);
    expect((await caller.settings.get()).imageRoots).toEqual([extra]);
  });
});
