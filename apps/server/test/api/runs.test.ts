import type { RunInfo } from '@mpqemu/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StartRefused } from '../../src/runs/types.ts';
import {
  callerFor,
  createTestEnv,
  richSample,
  richWithOwnDisks,
  warningCodes,
  type TestEnv,
} from './harness.ts';
import { ensureGuest } from '../support/guest.ts';
import { trpcError } from '../support/trpc-error.ts';

let env: TestEnv;
let caller: ReturnType<typeof callerFor>;

beforeAll(async () => {
  await ensureGuest();
  env = await createTestEnv();
  caller = callerFor(env.services);
});
afterAll(async () => {
  await env.cleanup();
});

/**
 * Reads a subscription until `done` says so, then aborts its signal and keeps reading: the feed
 * must end by itself, which shows that the procedure honours the signal (else: test timeout).
 */
async function readUntil<T>(
  subscribe: (caller: ReturnType<typeof callerFor>) => Promise<AsyncIterable<T>>,
  done: (seen: T[]) => boolean,
): Promise<T[]> {
  const controller = new AbortController();
  const seen: T[] = [];
  for await (const item of await subscribe(callerFor(env.services, controller.signal))) {
    seen.push(item);
    if (!controller.signal.aborted && done(seen)) controller.abort();
  }
  expect(controller.signal.aborted).toBe(true);
  return seen;
}

describe('runs router', () => {
  it('refuses a topology with errors, listing every problem', async () => {
    const rich = await richSample();
    const broken = {
      ...rich,
      devices: rich.devices.map((d) => (d.id === 'nic0' ? { ...d, slot: 5 } : d)),
    };
    const e = await trpcError(caller.runs.start({ topology: broken, acknowledged: [] }));
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.cause).toBeInstanceOf(StartRefused);
    const problems = (e.cause as StartRefused).problems;
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.severity === 'error')).toBe(true);
    expect(e.message).toContain(problems[0]?.message);
    expect(await caller.runs.list()).toEqual([]);
  });

  it('refuses to start with a warning the user has not confirmed', async () => {
    const e = await trpcError(
      caller.runs.start({ topology: await richSample(), acknowledged: [] }),
    );
    expect(e.code).toBe('BAD_REQUEST');
    const problems = (e.cause as StartRefused).problems;
    expect(problems.map((p) => p.code)).toEqual(warningCodes(await richSample()));
  });

  it('starts the rich sample, feeds events, console, logs and stats, and stops it', async () => {
    const topology = await richWithOwnDisks(env.dataDir);
    const run = await caller.runs.start({
      topology,
      topologyName: 'sample-rich',
      acknowledged: warningCodes(topology),
    });
    expect(run).toMatchObject({ status: 'starting', topologyName: 'sample-rich', vmName: 'rich' });
    expect((await caller.runs.get({ runId: run.id })).id).toBe(run.id);
    expect((await caller.runs.list()).map((r) => r.id)).toEqual([run.id]);

    const snapshots = await readUntil<RunInfo>(
      (c) => c.runs.events({ runId: run.id }),
      (seen) => seen.at(-1)?.status !== 'starting',
    );
    expect(snapshots.at(-1)).toMatchObject({ status: 'running', reason: null });

    const output = await readUntil<string>(
      (c) => c.runs.console({ runId: run.id }),
      (seen) => seen.join('').includes('mpqemu-guest: pci-done'),
    );
    // The LSI controller in its own process, enumerated by the guest.
    expect(output.join('')).toContain('1000:0012');
    expect(await caller.runs.consoleInput({ runId: run.id, data: 'echo hi\n' })).toEqual({
      ok: true,
    });

    const [firstLog] = await readUntil(
      (c) => c.runs.logs({ runId: run.id, process: 'rp0' }),
      () => true,
    );
    expect(firstLog?.process).toBe('rp0');

    const [sample] = await readUntil(
      (c) => c.runs.stats({ runId: run.id }),
      () => true,
    );
    expect(sample?.processes.map((p) => p.name).sort()).toEqual(['main', 'rp0', 'rp1', 'rp2']);

    const stopped = await caller.runs.stop({ runId: run.id });
    expect(stopped.status).toBe('stopped');
    expect(stopped.processes.every((p) => p.pid === null || p.endedAt !== null)).toBe(true);
  });

  it('says NOT_FOUND for a run or process it does not know, feeds before they start', async () => {
    const nope = { runId: 'nope' };
    const refusals = await Promise.all([
      trpcError(caller.runs.get(nope)),
      trpcError(caller.runs.stop(nope)),
      trpcError(caller.runs.consoleInput({ ...nope, data: 'x' })),
      trpcError(caller.runs.qmp({ ...nope, process: 'main', op: 'query-status' })),
      trpcError(caller.runs.restartProcess({ ...nope, process: 'rp0' })),
      trpcError(caller.runs.diffLive({ ...nope, topology: await richSample() })),
      trpcError(caller.runs.events(nope)),
      trpcError(caller.runs.console(nope)),
      trpcError(caller.runs.logs({ ...nope, process: 'rp0' })),
      trpcError(caller.runs.stats(nope)),
    ]);
    expect(refusals.map((e) => [e.code, e.message])).toEqual(
      refusals.map(() => ['NOT_FOUND', 'There is no run "nope".']),
    );
  });

  it('refuses bad input to a feed with BAD_REQUEST before it starts', async () => {
    const e = await trpcError(caller.runs.logs({ runId: 'nope', process: '' }));
    expect(e.code).toBe('BAD_REQUEST');
  });
});
