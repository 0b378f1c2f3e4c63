/**
 * Issue #22's roots, against the real server process: a root given by MPQEMU_IMAGE_ROOTS is a
 * root for the image library, inspection, the pickers and the settings page, as it is for Start;
 * a root is checked as a file at every use, so a saved root later pointed at `/`, or a forbidden
 * folder written into settings.json by hand, makes nothing attachable.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  loadTopologyText,
  resolveDocumentPaths,
  type ImageRoot,
  type RefusedRoot,
  type Topology,
} from '@mpqemu/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageListing, InspectResult } from '../../src/images/library.ts';
import { startStudio, type Studio } from '../api/studio-process.ts';
import { ensureGuest } from '../support/guest.ts';
import { REPO } from '../support/repo.ts';

let work: string;
let configured: string;
let studio: Studio;

beforeAll(async () => {
  await ensureGuest();
  work = await mkdtemp(join(tmpdir(), 'mpq-roots-'));
  configured = join(work, 'configured');
  await mkdir(configured);
  execFileSync('qemu-img', ['create', '-q', '-f', 'raw', join(configured, 'disk.img'), '1M']);
  studio = await startStudio(join(work, 'data'), { MPQEMU_IMAGE_ROOTS: configured });
});
afterAll(async () => {
  studio.child.kill('SIGTERM');
  await studio.child;
  await rm(work, { recursive: true, force: true });
});

describe('a root given by MPQEMU_IMAGE_ROOTS', () => {
  it('is a root of the image library, inspection and the settings page', async () => {
    const disk = join(configured, 'disk.img');
    const listing = await studio.query<ImageListing>('images.list');
    expect(listing.roots.map((r) => [r.path, r.kind])).toContainEqual([configured, 'configured']);
    expect(listing.images.map((i) => i.path)).toContain(disk);
    const inspected = await studio.query<InspectResult>('images.inspect', { path: disk });
    expect(inspected).toMatchObject({ ok: true, format: 'raw', virtualSize: 1024 * 1024 });
    const settings = await studio.query<{ roots: ImageRoot[] }>('settings.get');
    expect(settings.roots).toContainEqual(
      expect.objectContaining({ path: configured, kind: 'configured' }),
    );
  });
});

interface SettingsView {
  imageRoots: string[];
  roots: ImageRoot[];
  refused: RefusedRoot[];
  warnings: { path: string; message: string }[];
}

/** upstream-lsi (kernel and initrd from the samples' folder) with its disk on `disk`. */
function lsiOn(disk: string): Topology {
  const example = join(REPO, 'examples/upstream-lsi.json');
  const loaded = loadTopologyText(readFileSync(example, 'utf8'));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const topology = resolveDocumentPaths(loaded.topology, dirname(example));
  return {
    ...topology,
    drives: topology.drives.map((d) => ({
      ...d,
      image: { ...d.image, path: disk, format: 'raw', readOnly: false },
    })),
  };
}

describe('a saved root that is later pointed at /', () => {
  it('makes nothing attachable: inspection and Start refuse, settings say it is ignored', async () => {
    const vms = join(work, 'vms');
    const link = join(work, 'roots-link');
    await mkdir(vms);
    await symlink(vms, link);
    await studio.mutate('settings.setImageRoots', { imageRoots: [link] });
    // A file outside every root, standing for /etc/shadow in the start below.
    const outside = join(work, 'outside');
    await mkdir(outside);
    const secret = join(outside, 'secret.img');
    execFileSync('qemu-img', ['create', '-q', '-f', 'raw', secret, '1M']);

    await rm(link);
    await symlink('/', link);

    const shadow = await studio.query<InspectResult>('images.inspect', { path: '/etc/shadow' });
    expect(shadow).toMatchObject({ ok: false, code: 'host.outside-roots' });
    expect(shadow.ok ? '' : shadow.message).toMatch(
      /roots-link \(resolves to \/\), which is ignored/,
    );
    const viaLink = await studio.query<InspectResult>('images.inspect', {
      path: `${link}/etc/hostname`,
    });
    expect(viaLink).toMatchObject({ ok: false, code: 'host.outside-roots' });

    const start = await studio.call('/trpc/runs.start', {
      method: 'POST',
      body: JSON.stringify({
        topology: lsiOn(secret),
        acknowledged: ['proxy.tcg-no-interrupts'],
      }),
    });
    const body = await start.text();
    expect(start.status, body).toBe(400);
    expect(body).toContain('host.outside-roots');
    expect(body).toContain('drives[0].image.path');
    expect(await studio.query<unknown[]>('runs.list')).toEqual([]);

    const settings = await studio.query<SettingsView>('settings.get');
    expect(settings.refused).toContainEqual(
      expect.objectContaining({ path: link, real: '/', kind: 'settings' }),
    );
    expect(settings.roots.map((r) => r.path)).not.toContain(link);
    await studio.mutate('settings.setImageRoots', { imageRoots: [] });
  });
});

describe('roots read back from settings.json', () => {
  it('are checked again: /etc, /root and an ancestor of the data directory attach nothing', async () => {
    const dataDir = join(work, 'data');
    await writeFile(
      join(dataDir, 'settings.json'),
      JSON.stringify({ imageRoots: ['/etc', '/root', work, '/proc/self/root'] }),
    );
    for (const path of ['/etc/hostname', join(dataDir, 'settings.json')]) {
      const found = await studio.query<InspectResult>('images.inspect', { path });
      expect(found, path).toMatchObject({ ok: false, code: 'host.outside-roots' });
    }
    const settings = await studio.query<SettingsView>('settings.get');
    expect(settings.refused.map((r) => r.path).sort()).toEqual(
      ['/etc', '/proc/self/root', '/root', work].sort(),
    );
    const listing = await studio.query<ImageListing>('images.list');
    expect(listing.images.every((i) => !i.path.startsWith('/etc/'))).toBe(true);
    await writeFile(join(dataDir, 'settings.json'), JSON.stringify({ imageRoots: [] }));
  });
});

describe('settings.setImageRoots', () => {
  it("refuses system folders, /root and the data directory's ancestors, naming the root", async () => {
    for (const [root, words] of [
      ['/etc', /inside \/etc, a system folder/],
      ['/boot', /inside \/boot/],
      ['/run', /inside \/run/],
      ['/root', /whole home folder/],
      [work, /contains mpqemu studio's data directory/],
    ] as const) {
      const res = await studio.call('/trpc/settings.setImageRoots', {
        method: 'POST',
        body: JSON.stringify({ imageRoots: [root] }),
      });
      const body = await res.text();
      expect(res.status, root).toBe(400);
      expect(body, root).toMatch(words);
      expect(body, root).toContain('imageRoots.0');
    }
  });

  it('accepts a home or system folder with a warning that says what becomes attachable', async () => {
    await studio.mutate('settings.setImageRoots', { imageRoots: ['/usr'] });
    const settings = await studio.query<SettingsView>('settings.get');
    expect(settings.warnings.map((w) => w.path)).toEqual(['/usr']);
    expect(settings.warnings[0]?.message).toMatch(/system folder: every file the server can read/);
    await studio.mutate('settings.setImageRoots', { imageRoots: [] });
  });
});
