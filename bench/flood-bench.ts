/**
 * The user's requests through a connection flood (issue #22): the compiled server, 400
 * connections held and reopened as the server closes them, the user's 60 requests each on a
 * connection of its own, their latency. Once from the user's own uid without the token (evicted at
 * the cap), and, when run as root, from uid 65534 (closed unread). Target: 60 of 60.
 * Run: node --import tsx bench/flood-bench.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStudio } from '../apps/server/test/api/studio-process.ts';
import { latencyLine, startFlood, userRequests } from '../apps/server/test/security/flood.ts';

const ATTACKERS = 400;
const REQUESTS = 60;

execFileSync(
  process.execPath,
  [join(import.meta.dirname, '../scripts/build-server.mjs'), '--if-stale'],
  {
    stdio: 'inherit',
  },
);
const work = await mkdtemp(join(tmpdir(), 'mpqemu-flood-bench-'));
const studio = await startStudio(join(work, 'data'));
const port = Number(new URL(studio.base).port);
let missed = 0;
try {
  const quiet = await userRequests(port, studio.token, REQUESTS, 50);
  console.log(
    `no flood: ${quiet.filter((r) => r.status === 200).length}/${REQUESTS} ok, ${latencyLine(quiet)}`,
  );
  const attackers: [string, number | undefined][] = [['own uid, no token', undefined]];
  if (process.getuid?.() === 0) attackers.push(['uid 65534', 65534]);
  for (const [who, uid] of attackers) {
    const flood = await startFlood({
      port,
      count: ATTACKERS,
      durationMs: 15_000,
      ...(uid === undefined ? {} : { uid }),
    });
    const results = await userRequests(port, studio.token, REQUESTS, 50);
    const { opened } = await flood.done;
    const ok = results.filter((r) => r.status === 200).length;
    if (ok < REQUESTS) missed++;
    console.log(
      `${ATTACKERS} connections of ${who} (${opened} opened in 15 s): ${ok}/${REQUESTS} ok (target ${REQUESTS}) ${ok === REQUESTS ? 'ok' : 'MISSED'}, ${latencyLine(results)}`,
    );
  }
} finally {
  studio.child.kill('SIGTERM');
  await studio.child;
  await rm(work, { recursive: true, force: true });
}
console.log(`load average ${(loadavg()[0] ?? 0).toFixed(2)} on ${cpus().length} cores`);
process.exit(missed > 0 ? 1 : 0);
