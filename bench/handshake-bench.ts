/**
 * Whether a QMP handshake still stalls: N four-remote launches (default 1,000) through the
 * runtime's bare launcher, each to every process answering its readiness query within 10 s, then
 * a quit. QEMU 7.2 used to hang about once in 500 launches in a stray accept() of its listening
 * monitor (docs/qemu-facts.md); the runtime now hands QEMU a connected socketpair end instead, so
 * there is no listener. Prints the count of stalled or failed launches and the ready times.
 * Run: npx tsx bench/handshake-bench.ts [launches]
 */
import { cpus, loadavg } from 'node:os';
import { DEFAULT_CAPABILITIES, planLaunch } from '@mpqemu/shared';
import { bareLaunch } from './bare-launch.ts';
import { lsiTopology } from './lsi-topology.ts';

const LAUNCHES = Number(process.argv[2] ?? 1000);
const REMOTES = 4;

const topology = lsiTopology(REMOTES, 'handshake');

const planned = planLaunch(topology, DEFAULT_CAPABILITIES, { runDir: '/nonexistent' });
if (!planned.ok) throw new Error(JSON.stringify(planned.problems));
let failed = 0;
const ready: number[] = [];
for (let i = 0; i < LAUNCHES; i++) {
  const t0 = performance.now();
  try {
    const run = await bareLaunch(planned.plan, 10_000);
    ready.push(performance.now() - t0);
    await run.stop();
  } catch (e) {
    failed++;
    console.log(`launch ${i}: ${(e as Error).message}`);
  }
}
ready.sort((a, b) => a - b);
const at = (q: number) => (ready[Math.floor(q * (ready.length - 1))] ?? 0).toFixed(1);
console.log(
  `${LAUNCHES} launches of ${REMOTES} remotes + main: ${failed} stalled or failed; ready in median ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms; load ${(loadavg()[0] ?? 0).toFixed(2)} on ${cpus().length} cores`,
);
if (failed > 0) process.exitCode = 1;
