import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topologiesDir } from '../../src/context.ts';
import { createCapabilityService } from '../../src/probe/index.ts';
import { StoreError } from '../../src/store/errors.ts';
import { callerFor, createTestEnv, richSample, type TestEnv } from './harness.ts';
import { REPO } from '../support/repo.ts';
import { trpcError } from '../support/trpc-error.ts';

let env: TestEnv;
let caller: ReturnType<typeof callerFor>;

beforeAll(async () => {
  env = await createTestEnv();
  caller = callerFor(env.services);
});
afterAll(async () => {
  await env.cleanup();
});

describe('topologies router', () => {
  it('starts empty (the UI opens a sample as a template), and lists a saved one with its warning counted', async () => {
    expect(await caller.topologies.list()).toEqual([]);
    await caller.topologies.save({ name: 'sample-rich', topology: await richSample() });
    expect(await caller.topologies.list()).toEqual([
      {
        ok: true,
        name: 'sample-rich',
        modifiedAt: expect.any(Number) as number,
        vmName: 'rich',
        errors: 0,
        // Proxied devices under TCG: enumeration only.
        warnings: 1,
        migratedFrom: null,
      },
    ]);
    const got = await caller.topologies.get({ name: 'sample-rich' });
    expect(got.topology).toEqual(await richSample());
  });

  it('offers the examples as samples with absolute paths', async () => {
    const samples = await caller.topologies.samples();
    const rich = samples.find((s) => s.id === 'rich');
    expect(rich?.topology.drives[0]?.image.path).toBe(join(REPO, '.cache/guest/disk0.img'));
    expect(samples.map((s) => s.id)).toContain('upstream-lsi');
  });

  it('saves, renames, duplicates and deletes', async () => {
    const topology = await richSample();
    const saved = await caller.topologies.save({ name: 'mine', topology });
    expect(saved).toMatchObject({ name: 'mine', hasErrors: false });
    expect((await trpcError(caller.topologies.save({ name: 'mine', topology }))).code).toBe(
      'CONFLICT',
    );
    await caller.topologies.save({ name: 'mine', topology, overwrite: true });
    expect(await caller.topologies.rename({ from: 'mine', to: 'yours' })).toEqual({
      name: 'yours',
    });
    await caller.topologies.duplicate({ from: 'yours', to: 'copy' });
    const conflict = await trpcError(caller.topologies.rename({ from: 'yours', to: 'copy' }));
    expect(conflict.code).toBe('CONFLICT');
    expect(conflict.message).toBe('A topology named "copy" already exists.');
    await caller.topologies.delete({ name: 'yours' });
    const missing = await trpcError(caller.topologies.get({ name: 'yours' }));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toBe('There is no topology named "yours".');
    expect((await caller.topologies.list()).map((t) => t.name)).toEqual(['copy', 'sample-rich']);
  });

  it('refuses a bad name and anything that is not a topology document', async () => {
    const topology = await richSample();
    const bad = await trpcError(caller.topologies.save({ name: '../escape', topology }));
    expect(bad.code).toBe('BAD_REQUEST');
    // The document is strict: no field can smuggle argv or option strings to the launcher.
    const smuggled = { ...topology, vm: { ...topology.vm, extraArgs: ['-plugin', 'x.so'] } };
    const strict = await trpcError(caller.topologies.save({ name: 'ok', topology: smuggled }));
    expect(strict.code).toBe('BAD_REQUEST');
    expect((await caller.topologies.list()).some((t) => t.name === 'ok')).toBe(false);
  });

  it('reports a broken file in the list and refuses to load it, with field errors', async () => {
    const text = '{"version": 2, "vm": {"name": "x"}}';
    await writeFile(join(topologiesDir(env.dataDir), 'broken.json'), text);
    const item = (await caller.topologies.list()).find((t) => t.name === 'broken');
    expect(item).toMatchObject({ ok: false, name: 'broken' });
    expect(item && !item.ok && item.loadErrors.map((e) => e.path)).toContain('processes');
    const e = await trpcError(caller.topologies.get({ name: 'broken' }));
    expect(e.code).toBe('UNPROCESSABLE_CONTENT');
    expect(e.cause).toBeInstanceOf(StoreError);
    expect((e.cause as StoreError).fieldErrors.map((f) => f.path)).toContain('vm.machine');
  });
});

describe('capabilities router', () => {
  it('reports the probed QEMU, and probes again on refresh', async () => {
    const caps = await caller.capabilities.get();
    expect(caps.binary).toMatch(/^\/.*qemu-system-x86_64$/);
    expect(caps.remote).toBe(true);
    const again = await caller.capabilities.refresh();
    // A new probe: the binary asked again (its step timed, a later time) rather than the answer
    // kept from before, which carries its own time and steps.
    expect(again.probe.source).toBe('refresh');
    expect(again.probe.steps.map((s) => s.step)).toContain('probe the binary (help outputs)');
    expect(again.probe.probedAt).toBeGreaterThan(caps.probe.probedAt);
    const after = await caller.capabilities.get();
    expect(after.probe.probedAt).toBe(again.probe.probedAt);
    expect(after.probe.source).toBe('refresh');
  });

  it('says PRECONDITION_FAILED, with the install command, when there is no QEMU', async () => {
    const noQemu = createCapabilityService('/nonexistent/qemu-system-x86_64');
    const without = callerFor({ ...env.services, capabilities: noQemu });
    for (const call of [without.capabilities.get(), without.capabilities.refresh()]) {
      const e = await trpcError(call);
      expect(e.code).toBe('PRECONDITION_FAILED');
      expect(e.message).toMatch(/not found .*Install it with: apt-get install qemu-system-x86$/);
    }
    // Listing still works: counts are then against the catalogue's defaults.
    expect(await without.topologies.list()).toEqual(await caller.topologies.list());
  });
});
