/**
 * Issue #22's roots, against the real server process: a root given by MPQEMU_IMAGE_ROOTS is a
 * root for the image library, inspection, the pickers and the settings page, as it is for Start.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageRoot } from '@mpqemu/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageListing, InspectResult } from '../../src/images/library.ts';
import { startStudio, type Studio } from '../api/studio-process.ts';

let work: string;
let configured: string;
let studio: Studio;

beforeAll(async () => {
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
