/**
 * What stands between `mpqemu` and its first QEMU: the compiled CLI needs no TypeScript loader,
 * `--timings` shows each step, and a TCG topology never waits for the KVM boot check.
 */
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, cli, privateExample, tempDir, waitForText } from './helpers.ts';
import { ensureGuest } from '../support/guest.ts';
import { REPO } from '../support/repo.ts';

beforeAll(ensureGuest);

const KVM_STEP = 'kvm check';

describe('compiled CLI', () => {
  it('runs from a copy of its bundle alone: no tsx, no node_modules, no TypeScript source', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'bin'));
    await cp(BIN, join(dir, 'bin', 'mpqemu.mjs'));
    await cp(join(REPO, 'apps/server/dist'), join(dir, 'dist'), { recursive: true });
    const file = join(REPO, 'examples', 'upstream-lsi.json');
    const alone = await execa('node', [join(dir, 'bin', 'mpqemu.mjs'), 'print', file, '--json'], {
      reject: false,
      cwd: dir,
      env: { NODE_OPTIONS: '' },
      extendEnv: false,
    });
    expect(alone.exitCode, alone.stderr).toBe(0);
    const inRepo = await cli(['print', file, '--json']);
    expect(alone.stdout).toBe(inRepo.stdout);
    expect((JSON.parse(alone.stdout) as { processes: unknown[] }).processes).toHaveLength(2);
    expect(await readFile(BIN, 'utf8')).not.toMatch(/tsx/);
  });

  it('print --timings reports its steps without probing', async () => {
    const r = await cli(['print', join(REPO, 'examples', 'upstream-lsi.json'), '--timings']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('CLI code running');
    expect(r.stderr).toContain('read and load the topology file');
    expect(r.stderr).not.toContain('probe (');
  });
});

describe('probe on demand (real QEMU)', () => {
  it('check --probe of a KVM topology runs the KVM check; a TCG one does not', async () => {
    const { dir, topology } = await privateExample('upstream-lsi');
    const dataDir = await tempDir();
    const tcg = await cli(['check', join(dir, 'upstream-lsi.json'), '--probe', '--timings'], {
      MPQEMU_DATA_DIR: dataDir,
    });
    expect(tcg.stderr).toContain('probe (probe)');
    expect(tcg.stderr).not.toContain(KVM_STEP);

    const kvmFile = join(dir, 'kvm.json');
    await writeFile(kvmFile, JSON.stringify({ ...topology, vm: { ...topology.vm, accel: 'kvm' } }));
    const kvm = await cli(['check', kvmFile, '--probe', '--timings'], { MPQEMU_DATA_DIR: dataDir });
    expect(kvm.stderr).toContain('probe (cache)');
    expect(kvm.stderr).toContain(KVM_STEP);
  });

  it('up --timings of a TCG topology spawns from the cache, never waiting for the KVM check', async () => {
    const { file, dir } = await privateExample('upstream-lsi');
    const dataDir = await tempDir();
    await cli(['check', file, '--probe'], { MPQEMU_DATA_DIR: dataDir, MPQEMU_IMAGE_ROOTS: dir });
    const child = execa('node', [BIN, 'up', file, '--yes', '--timings'], {
      reject: false,
      stdin: 'ignore',
      env: { MPQEMU_DATA_DIR: dataDir, MPQEMU_IMAGE_ROOTS: dir },
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.resume();
    try {
      await waitForText(() => stderr, 'run running', 90_000);
    } finally {
      child.kill('SIGINT');
    }
    const result = await child;
    expect(result.exitCode, stderr).toBe(0);
    const timings = stderr.slice(stderr.indexOf('timings ('));
    expect(timings).toContain('probe (cache)');
    expect(timings).toContain('QEMU processes spawned');
    expect(timings).toContain('preflight: capabilities, tools, host files and images');
    expect(timings).not.toContain(KVM_STEP);
    const cache = JSON.parse(await readFile(join(dataDir, 'capabilities.json'), 'utf8')) as {
      entries: { kvm?: unknown }[];
    };
    expect(cache.entries[0]?.kvm).toBeUndefined();
  });
});
