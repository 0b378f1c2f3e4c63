import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTopologyText, type Topology } from '@mpqemu/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/errors.ts';
import { loadSamples } from '../../src/store/samples.ts';
import { createTopologyStore, type TopologyStore } from '../../src/store/topology-store.ts';

let dir: string;
let store: TopologyStore;
let sample: Topology;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpqemu-store-'));
  store = await createTopologyStore(join(dir, 'topologies'));
  const rich = (await loadSamples()).find((s) => s.id === 'rich');
  if (!rich) throw new Error('examples/rich.json is missing');
  sample = rich.topology;
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function refusal(p: Promise<unknown>): Promise<StoreError> {
  const e: unknown = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof StoreError)) throw new Error(`expected a StoreError, got ${String(e)}`);
  return e;
}

describe('topology store', () => {
  it('saves, lists and loads a topology unchanged', async () => {
    const saved = await store.save('my vm', sample);
    expect(saved.topology).toEqual(sample);
    expect(saved.migratedFrom).toBeNull();
    const list = await store.list();
    expect(list.map((e) => e.name)).toEqual(['my vm']);
    expect(list[0]?.load.ok).toBe(true);
    expect((await store.get('my vm')).topology).toEqual(sample);
    const text = await readFile(join(store.dir, 'my vm.json'), 'utf8');
    expect(loadTopologyText(text)).toEqual({ ok: true, topology: sample });
  });

  it('refuses to overwrite unless asked', async () => {
    await store.save('a', sample);
    const changed = { ...sample, vm: { ...sample.vm, name: 'changed' } };
    const e = await refusal(store.save('a', changed));
    expect(e.kind).toBe('exists');
    expect(e.message).toContain('"a" already exists');
    expect((await store.get('a')).topology.vm.name).toBe('rich');
    await store.save('a', changed, { overwrite: true });
    expect((await store.get('a')).topology.vm.name).toBe('changed');
  });

  it.each([
    '',
    '.',
    '..',
    '../evil',
    'a/b',
    '.hidden',
    ' lead',
    'trail ',
    'dot.',
    'x'.repeat(65),
    'tab\tname',
    'ä',
  ])('refuses the name %j', async (name) => {
    expect((await refusal(store.save(name, sample))).kind).toBe('invalid-name');
    expect((await refusal(store.get(name))).kind).toBe('invalid-name');
  });

  it('accepts names with spaces, dots, dashes and underscores', async () => {
    for (const name of ['Sample - rich', 'v1.2_final', '0', 'x'.repeat(64)])
      await store.save(name, sample);
    expect((await store.list()).length).toBe(4);
  });

  it('renames and duplicates without replacing an existing topology', async () => {
    await store.save('a', sample);
    await store.save('b', { ...sample, vm: { ...sample.vm, name: 'bee' } });
    expect((await refusal(store.rename('a', 'b'))).kind).toBe('exists');
    expect((await refusal(store.duplicate('a', 'b'))).kind).toBe('exists');
    expect((await store.get('b')).topology.vm.name).toBe('bee');
    await store.rename('a', 'c');
    await store.duplicate('c', 'd');
    expect((await store.list()).map((e) => e.name)).toEqual(['b', 'c', 'd']);
    expect((await store.get('d')).topology).toEqual(sample);
    expect((await refusal(store.rename('missing', 'e'))).kind).toBe('not-found');
    expect((await refusal(store.duplicate('missing', 'e'))).kind).toBe('not-found');
  });

  it('deletes, and says so when there is nothing to delete', async () => {
    await store.save('a', sample);
    await store.delete('a');
    expect(await store.list()).toEqual([]);
    expect((await refusal(store.delete('a'))).kind).toBe('not-found');
    expect((await refusal(store.get('a'))).kind).toBe('not-found');
  });

  it('reports a broken file with its field errors and leaves it as it is', async () => {
    const broken = join(store.dir, 'broken.json');
    const bad = JSON.stringify({ ...sample, vm: { ...sample.vm, memoryMiB: 'lots' } });
    await writeFile(broken, bad);
    await writeFile(join(store.dir, 'not json.json'), '{"version": 2,');
    const list = await store.list();
    const entry = list.find((e) => e.name === 'broken');
    expect(entry?.load).toMatchObject({ ok: false, errors: [{ path: 'vm.memoryMiB' }] });
    expect(list.find((e) => e.name === 'not json')?.load).toMatchObject({
      ok: false,
      errors: [{ path: '', message: expect.stringContaining('not valid JSON') as string }],
    });
    const e = await refusal(store.get('broken'));
    expect(e.kind).toBe('broken');
    expect(e.fieldErrors.map((f) => f.path)).toEqual(['vm.memoryMiB']);
    expect(e.message).toContain('vm.memoryMiB');
    expect(await readFile(broken, 'utf8')).toBe(bad);
  });

  it('migrates a version 1 file on load without rewriting it', async () => {
    const v1 = JSON.stringify({
      version: 1,
      name: 'old',
      memory: '1G',
      remotes: [{ id: 'rp0' }],
      devices: [{ id: 'lsi0', model: 'lsi53c895a', remote: 'rp0', drives: [] }],
    });
    await writeFile(join(store.dir, 'old.json'), v1);
    const loaded = await store.get('old');
    expect(loaded.migratedFrom).toBe(1);
    expect(loaded.topology.vm.memoryMiB).toBe(1024);
    expect(loaded.topology.devices[0]?.placement).toEqual({ kind: 'remote', process: 'rp0' });
    expect(await readFile(join(store.dir, 'old.json'), 'utf8')).toBe(v1);
  });

  it('does not follow a symbolic link planted in the store', async () => {
    await writeFile(join(dir, 'secret.txt'), 'root:x:0:0:secret');
    await symlink(join(dir, 'secret.txt'), join(store.dir, 'link.json'));
    const entry = (await store.list()).find((e) => e.name === 'link');
    expect(entry?.load).toEqual({
      ok: false,
      errors: [{ path: '', message: 'the file is a symbolic link; not read' }],
    });
    expect(JSON.stringify(entry)).not.toContain('secret');
  });

  it('ignores files that are not topologies, temp files included', async () => {
    await writeFile(join(store.dir, '.a.json.1234.tmp'), '{');
    await writeFile(join(store.dir, 'notes.txt'), 'x');
    await store.save('a', sample);
    expect((await store.list()).map((e) => e.name)).toEqual(['a']);
  });
});

describe('atomic writes', () => {
  it('lets exactly one of many concurrent creations win, with a complete file', async () => {
    const variants = Array.from({ length: 12 }, (_, i) => ({
      ...sample,
      vm: { ...sample.vm, name: `v${i}` },
    }));
    const results = await Promise.allSettled(variants.map((t) => store.save('race', t)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const loaded = await store.get('race');
    expect(variants.map((v) => v.vm.name)).toContain(loaded.topology.vm.name);
    expect(await readdir(store.dir)).toEqual(['race.json']);
  });

  it('never exposes a partial file while it is overwritten', async () => {
    // Big enough that a non-atomic write would be observed half-done by the reader.
    const big: Topology = {
      ...sample,
      layout: Object.fromEntries(
        Array.from({ length: 20_000 }, (_, i) => [`n${i}`, { x: i, y: i }]),
      ),
    };
    await store.save('big', big);
    let writing = true;
    let reads = 0;
    const reader = (async () => {
      // `writing` is cleared by the writer below while this loop awaits.
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
      while (writing) {
        const text = await readFile(join(store.dir, 'big.json'), 'utf8');
        expect(loadTopologyText(text).ok).toBe(true);
        reads++;
      }
    })();
    for (let i = 0; i < 15; i++) {
      await store.save('big', { ...big, vm: { ...big.vm, name: `w${i}` } }, { overwrite: true });
    }
    writing = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    expect((await store.get('big')).topology.vm.name).toBe('w14');
    expect(await readdir(store.dir)).toEqual(['big.json']);
  });
});
