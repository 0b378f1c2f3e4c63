/**
 * Issue #22's lock-out, against the real server process (main.ts, compiled): 400 connections held
 * and reopened as the server closes them, from another local user and from the user's own uid
 * without the token. The user's 60 requests, each on a connection of its own, must all succeed.
 * Another uid's connection is closed before anything is read from it: it gets no 401, nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStudio, type Studio } from '../api/studio-process.ts';
import { latencyLine, probeAs, startFlood, userRequests } from './flood.ts';

const NOBODY = 65534;
const ATTACKERS = 400;
const REQUESTS = 60;
const isRoot = process.getuid?.() === 0;

let dataDir: string;
let studio: Studio;
let port: number;

beforeAll(async () => {
  dataDir = join(await mkdtemp(join(tmpdir(), 'mpq-lockout-')), 'data');
  studio = await startStudio(dataDir);
  port = Number(new URL(studio.base).port);
});
afterAll(async () => {
  studio.child.kill('SIGTERM');
  await studio.child;
  await rm(join(dataDir, '..'), { recursive: true, force: true });
});

async function underFlood(uid: number | undefined): Promise<void> {
  const flood = await startFlood({
    port,
    count: ATTACKERS,
    durationMs: 15_000,
    ...(uid === undefined ? {} : { uid }),
  });
  const results = await userRequests(port, studio.token, REQUESTS, 50);
  const { opened } = await flood.done;
  console.log(
    `${REQUESTS} requests through ${ATTACKERS} connections of uid ${uid ?? 'self'} (${opened} opened): ${latencyLine(results)}`,
  );
  const failed = results.filter((r) => r.status !== 200);
  expect(failed, JSON.stringify(failed.slice(0, 3))).toEqual([]);
  // The flood was real: the attacker kept opening connections as the server closed them.
  expect(opened).toBeGreaterThan(ATTACKERS);
}

describe.skipIf(process.platform !== 'linux' || !isRoot)(
  'connections from other local users',
  () => {
    it('closes one before reading a byte of it: no answer at all, not even a 401', async () => {
      expect(await probeAs(NOBODY, port)).toBe('');
      // The same request from our own uid is answered (401 without the token).
      const own = await fetch(`${studio.base}/trpc/topologies.list`);
      expect(own.status).toBe(401);
    });

    it("cannot lock the user out: 400 connections of another uid, the user's 60 requests succeed", async () => {
      await underFlood(NOBODY);
    });
  },
);

describe('connections without the token', () => {
  it("give way to the user's: 400 of them held and refreshed, the user's 60 requests succeed", async () => {
    await underFlood(undefined);
  });
});
