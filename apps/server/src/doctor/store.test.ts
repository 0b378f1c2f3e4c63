import { mkdtemp, readdir, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BinaryIdentity, DoctorReport } from '@mpqemu/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { doctorDir, loadMeasured, saveMeasured } from './store.ts';

const identity: BinaryIdentity = {
  path: '/usr/bin/qemu-system-x86_64',
  size: 123,
  mtimeMs: 1_700_000_000_000,
  version: '7.2.22',
};
const report: DoctorReport = {
  qemu: { binary: identity.path, version: identity.version },
  kvmUsable: false,
  results: [
    {
      model: 'megasas',
      machine: 'pc',
      enumerated: true,
      pciId: '1000:0060',
      hotplug: 'ok',
      restart: 'ok',
      io: 'skipped',
      evidence: ['guest: mpqemu-guest: pci 0000:00:05.0 1000:0060'],
      ms: 20_000,
    },
  ],
};

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mpq-doctor-store-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function onlyFile(): Promise<string> {
  const files = await readdir(doctorDir(dataDir));
  expect(files).toHaveLength(1);
  return join(doctorDir(dataDir), files[0] ?? '');
}

describe('doctor results store', () => {
  it('stores a run per binary (0600 file, 0700 directory) and reads it back', async () => {
    const saved = await saveMeasured(dataDir, identity, report, new Date('2026-12-01T10:00:00Z'));
    expect(saved.measuredAt).toBe('2026-12-01T10:00:00.000Z');
    expect((await stat(await onlyFile())).mode & 0o777).toBe(0o600);
    expect((await stat(doctorDir(dataDir))).mode & 0o777).toBe(0o700);
    expect(await loadMeasured(dataDir, identity)).toEqual(saved);
  });

  it('has nothing for another binary, a replaced one or an upgrade', async () => {
    await saveMeasured(dataDir, identity, report);
    for (const other of [
      { ...identity, path: '/opt/qemu/bin/qemu-system-x86_64' },
      { ...identity, size: 124 },
      { ...identity, mtimeMs: identity.mtimeMs + 1 },
      { ...identity, version: '10.0.2' },
    ]) {
      expect(await loadMeasured(dataDir, other)).toBeNull();
    }
  });

  it('ignores, and says why, a file of another binary under this name, a broken file or a link', async () => {
    const other = { ...identity, version: '10.0.2' };
    await saveMeasured(dataDir, other, report);
    const otherFile = await onlyFile();
    await saveMeasured(dataDir, identity, report);
    const files = await readdir(doctorDir(dataDir));
    const mine = join(
      doctorDir(dataDir),
      files.find((f) => join(doctorDir(dataDir), f) !== otherFile) ?? '',
    );
    const why: string[] = [];
    const load = () => loadMeasured(dataDir, identity, (m) => why.push(m));

    await rename(otherFile, mine);
    expect(await load()).toBeNull();
    expect(why.pop()).toContain('measured on another binary');

    await writeFile(mine, '{"format":1,"identity":{"path":"/bin/sh"}}');
    expect(await load()).toBeNull();
    expect(why.pop()).toMatch(/: .+ at (identity|measuredAt|report)/);

    await writeFile(mine, 'not json');
    expect(await load()).toBeNull();
    expect(why.pop()).toContain('not JSON');

    await rm(mine);
    await symlink('/etc/passwd', mine);
    expect(await load()).toBeNull();
    expect(why.pop()).toContain('is a symbolic link; not read');
  });
});
