/** `mpqemu check --probe` runs Start's host check: it and `mpqemu up` refuse the same documents. */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Topology } from '@mpqemu/shared';
import { describe, expect, it } from 'vitest';
import { cli, privateExample, tempDir } from './helpers.ts';

describe('mpqemu check --probe', () => {
  it('exits 1 naming the drive whose image is missing, as up does; 0 once it exists', async () => {
    const { dir, topology, file } = await privateExample('upstream-lsi');
    // The example's disks are in a temp folder: an image root, as a user would configure it.
    const env = { MPQEMU_DATA_DIR: await tempDir(), MPQEMU_IMAGE_ROOTS: dir };
    expect((await cli(['check', file, '--probe'], env)).exitCode).toBe(0);

    const image = topology.drives[0]?.image.path ?? '';
    await rm(image);
    const line = `error\thost.missing\tdrives[0].image.path: drive disk0: image ${image} does not exist`;
    const checked = await cli(['check', file, '--probe'], env);
    expect(checked.exitCode).toBe(1);
    expect(checked.stdout.split('\n')).toContain(line);
    expect(checked.stderr).toMatch(/^1 error\(s\), 1 warning\(s\)$/m);

    const up = await cli(['up', file, '--yes'], env);
    expect(up.exitCode).toBe(1);
    expect(up.stderr.split('\n')).toContain(line);
    // Without --probe, check knows nothing of the host and says so only through the validator.
    expect((await cli(['check', file], env)).exitCode).toBe(0);
  });

  it('says once what the validator already faults (a protocol as image path)', async () => {
    const { dir, file } = await privateExample('upstream-lsi');
    const env = { MPQEMU_DATA_DIR: join(await tempDir(), 'data'), MPQEMU_IMAGE_ROOTS: dir };
    const doc = JSON.parse(await readFile(file, 'utf8')) as Topology;
    const docFile = join(await tempDir(), 'doc.json');
    doc.drives = doc.drives.map((d) => ({ ...d, image: { ...d.image, path: 'nbd:evil' } }));
    await writeFile(docFile, JSON.stringify(doc));
    const r = await cli(['check', docFile, '--probe'], env);
    expect(r.exitCode).toBe(1);
    expect(r.stdout.split('\n').filter((l) => l.includes('drives[0].image.path'))).toHaveLength(1);
  });
});
