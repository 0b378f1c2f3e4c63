/**
 * How fast the run manager reacts to faults and to force stops, with real QEMU: the figures the
 * integration and browser tests used to assert as tight timings (they now only catch hangs).
 *  1. a SIGKILLed remote process reported as `degraded` (target ≤ 1 s);
 *  2. force stop of a running run, until every process has exited (target ≤ 1 s);
 *  3. force stop while a normal stop waits for a guest that never powers off (target ≤ 1 s).
 * The VM has no boot source: its firmware ignores the ACPI power button, so a normal stop always
 * waits out the grace and only a forced one ends early. Run: npx tsx bench/fault-bench.ts [rounds]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunInfo } from '@mpqemu/shared';
import { createCapabilityService } from '../apps/server/src/probe/index.ts';
import { createRunManager } from '../apps/server/src/runs/manager.ts';
import type { RunManager } from '../apps/server/src/runs/types.ts';
import { lsiTopology } from './lsi-topology.ts';

const ROUNDS = Number(process.argv[2] ?? 3);
const GRACE_MS = 20_000;
const ACK = ['proxy.tcg-no-interrupts', 'boot.none'];
const TARGETS = { degradedMs: 1_000, forceMs: 1_000, forceDuringStopMs: 1_000 };

const doc = lsiTopology(1, 'fault-bench');

async function until(
  manager: RunManager,
  id: string,
  predicate: (info: RunInfo) => boolean,
): Promise<RunInfo> {
  for await (const info of manager.events(id, AbortSignal.timeout(90_000))) {
    if (predicate(info)) return info;
  }
  throw new Error(`run ${id} ended before the awaited state`);
}

async function running(manager: RunManager): Promise<RunInfo> {
  const { id } = await manager.start(doc, { acknowledged: ACK });
  return until(manager, id, (r) => r.status === 'running');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const dataDir = mkdtempSync(join(tmpdir(), 'mpqf-'));
const capabilities = createCapabilityService('qemu-system-x86_64', { kvmGuest: null });
const manager = createRunManager({
  capabilities: capabilities.get,
  dataDir,
  stopGraceMs: GRACE_MS,
  keepFinished: 0,
});

const degraded: number[] = [];
const force: number[] = [];
const forceDuringStop: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const a = await running(manager);
  const remote = a.processes.find((p) => p.name === 'rp0')?.pid;
  if (remote == null) throw new Error('rp0 has no pid');
  const seen = until(manager, a.id, (r) => r.status === 'degraded');
  const killedAt = performance.now();
  process.kill(remote, 'SIGKILL');
  await seen;
  degraded.push(performance.now() - killedAt);
  await manager.stop(a.id, { force: true });

  const b = await running(manager);
  const forcedAt = performance.now();
  await manager.stop(b.id, { force: true });
  force.push(performance.now() - forcedAt);

  const c = await running(manager);
  const normal = manager.stop(c.id);
  await until(manager, c.id, (r) => Boolean(r.powerDown));
  const cutAt = performance.now();
  await manager.stop(c.id, { force: true });
  forceDuringStop.push(performance.now() - cutAt);
  await normal;
}
await manager.shutdown();
rmSync(dataDir, { recursive: true, force: true });

const row = (label: string, values: number[], target: number): void => {
  const m = median(values);
  const all = values.map((v) => v.toFixed(0)).join(', ');
  console.log(
    `${label.padEnd(44)} ${m.toFixed(0).padStart(6)} ms  target ≤ ${target} ms  ${m <= target ? 'ok' : 'MISSED'}  (${all})`,
  );
};
console.log(`faults and force stops, median of ${ROUNDS} rounds (grace ${GRACE_MS} ms)`);
row('remote SIGKILLed -> run degraded', degraded, TARGETS.degradedMs);
row('force stop of a running run -> stopped', force, TARGETS.forceMs);
row('force during a normal stop -> stopped', forceDuringStop, TARGETS.forceDuringStopMs);
console.log(`load average ${(loadavg()[0] ?? 0).toFixed(2)} on ${cpus().length} cores`);
