/**
 * Limits with clear errors (issue #22): concurrent runs, device processes per run and images
 * created per minute, set in settings.json; each refusal names the limit and how to raise it.
 * Real QEMU for the run that holds the only place.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callerFor,
  createTestEnv,
  richWithOwnDisks,
  warningCodes,
  type TestEnv,
} from '../api/harness.ts';
import { ensureGuest } from '../support/guest.ts';
import { waitForRun } from './helpers.ts';

let env: TestEnv;
let caller: ReturnType<typeof callerFor>;

beforeAll(async () => {
  await ensureGuest();
  env = await createTestEnv();
  caller = callerFor(env.services);
  await writeFile(
    join(env.dataDir, 'settings.json'),
    JSON.stringify({
      imageRoots: [],
      limits: { concurrentRuns: 1, processesPerRun: 2, imagesPerMinute: 2 },
    }),
  );
});
afterAll(async () => {
  await env.cleanup();
});

async function refused(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const e: unknown = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof TRPCError)) throw new Error(`expected a refusal, got ${String(e)}`);
  return { code: e.code, message: e.message };
}

describe('limits from settings.json', () => {
  it('refuses the third image of a minute, naming imagesPerMinute', async () => {
    await caller.images.create({ name: 'a.img', format: 'raw', sizeMiB: 1 });
    await caller.images.create({ name: 'b.img', format: 'raw', sizeMiB: 1 });
    const third = await refused(caller.images.create({ name: 'c.img', format: 'raw', sizeMiB: 1 }));
    expect(third.code).toBe('TOO_MANY_REQUESTS');
    expect(third.message).toMatch(
      /^at most 2 images a minute \(imagesPerMinute in "limits" of settings\.json/,
    );
  });

  it('refuses a VM with more device processes than processesPerRun', async () => {
    const rich = await richWithOwnDisks(env.dataDir);
    const remotes = rich.processes.length;
    expect(remotes).toBeGreaterThan(2);
    const e = await refused(
      caller.runs.start({ topology: rich, acknowledged: warningCodes(rich) }),
    );
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.message).toContain(
      `this VM has ${remotes} device processes; at most 2 per run (processesPerRun in "limits" of settings.json`,
    );
  });

  it('refuses a second run beyond concurrentRuns, and starts again once the first stopped', async () => {
    const rich = await richWithOwnDisks(env.dataDir);
    const small = {
      ...rich,
      processes: rich.processes.slice(0, 1),
      devices: rich.devices.filter(
        (d) => d.placement.kind !== 'remote' || d.placement.process === rich.processes[0]?.id,
      ),
    };
    const oneRemote = {
      ...small,
      drives: small.drives.filter(
        (d) => d.attachedTo === null || small.devices.some((x) => x.id === d.attachedTo),
      ),
    };
    const run = await caller.runs.start({
      topology: oneRemote,
      acknowledged: warningCodes(oneRemote),
    });
    try {
      await waitForRun(env.services.runs, run.id, (r) => r.status !== 'starting');
      const second = await refused(
        caller.runs.start({ topology: oneRemote, acknowledged: warningCodes(oneRemote) }),
      );
      expect(second.code).toBe('BAD_REQUEST');
      expect(second.message).toMatch(
        /^at most 1 runs at once \(concurrentRuns in "limits" of settings\.json/,
      );
    } finally {
      await caller.runs.stop({ runId: run.id, force: true });
    }
    const again = await caller.runs.start({
      topology: oneRemote,
      acknowledged: warningCodes(oneRemote),
    });
    await caller.runs.stop({ runId: again.id, force: true });
  });
});
