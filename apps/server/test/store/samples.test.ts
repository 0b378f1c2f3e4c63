import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_EXAMPLES_DIR, loadSamples } from '../../src/store/samples.ts';
import { EXAMPLES, GUEST } from '../support/repo.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpqemu-samples-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('samples', () => {
  it('offers every example with its paths made absolute', async () => {
    expect(DEFAULT_EXAMPLES_DIR).toBe(`${EXAMPLES}/`);
    const samples = await loadSamples();
    expect(samples.map((s) => s.id)).toEqual(expect.arrayContaining(['rich', 'upstream-lsi']));
    const rich = samples.find((s) => s.id === 'rich');
    expect(rich?.title).not.toBe('');
    const boot = rich?.topology.vm.boot;
    expect(boot?.kind === 'kernel' && boot.kernel).toBe(join(GUEST, 'vmlinuz'));
    expect(rich?.topology.drives.map((d) => d.image.path)).toEqual([
      join(GUEST, 'disk0.img'),
      join(GUEST, 'disk1.qcow2'),
    ]);
  });

  it('leaves out a broken example and reports it', async () => {
    const reported: string[] = [];
    expect(await loadSamples(join(dir, 'none'))).toEqual([]);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'bad.json'), '{"version": 2}');
    expect(await loadSamples(dir, (file) => reported.push(file))).toEqual([]);
    expect(reported).toEqual(['bad.json']);
  });
});
