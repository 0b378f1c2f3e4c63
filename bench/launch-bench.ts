/**
 * Launch overhead of the run manager against a bare Node launcher (bench/bare-launch.ts) that
 * spawns the same argv with the same socketpairs (the channels and the main QEMU's spares) and
 * waits for the same QMP readiness. Topologies
 * without a boot source, so this measures launch, not a guest boot. Also the server's memory idle
 * and with 8 runs alive. Run: npx tsx bench/launch-bench.ts [rounds]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { planLaunch, type RunInfo, type Topology } from '@mpqemu/shared';
import { execa } from 'execa';
import { createCapabilityService } from '../apps/server/src/probe/index.ts';
import { createRunManager } from '../apps/server/src/runs/manager.ts';
import { qemuEnv as launchEnv } from '../apps/server/src/runtime/qemu-process.ts';
import type { RunManager } from '../apps/server/src/runs/types.ts';
import { bareLaunch } from './bare-launch.ts';
import { lsiTopology } from './lsi-topology.ts';

const ROUNDS = Number(process.argv[2] ?? 15);
const SIZES = [1, 4, 8];
const TARGET = 1.05;
const ACK = ['proxy.tcg-no-interrupts', 'boot.none'];

const topology = (remotes: number): Topology => lsiTopology(remotes);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

async function untilRunning(manager: RunManager, id: string): Promise<RunInfo> {
  for await (const info of manager.events(id, AbortSignal.timeout(60_000))) {
    if (info.status === 'running') return info;
    if (info.status === 'failed') throw new Error(`run failed: ${info.reason ?? ''}`);
  }
  throw new Error('run did not start');
}

/**
 * Lets what a stop leaves running (the manager forgets the finished run and deletes its directory
 * in the background) finish before the next launch: each launch starts on an idle server.
 */
const settle = (): Promise<void> => sleep(50);

/** CPU time of this (the server's) process: immune to what other processes do to wall time. */
const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;
const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
function memory(label: string): void {
  const m = process.memoryUsage();
  console.log(`${label}: rss ${mib(m.rss)}, heap used ${mib(m.heapUsed)} of ${mib(m.heapTotal)}`);
}

const dataDir = mkdtempSync(join(tmpdir(), 'mpqb-'));
const capabilities = createCapabilityService('qemu-system-x86_64');
const caps = await capabilities.get();
const manager = createRunManager({
  capabilities: capabilities.get,
  dataDir,
  stopGraceMs: 0,
  keepFinished: 0,
});

console.log(`launch overhead, ${ROUNDS} rounds per size, alternating manager and bare launcher`);
console.log(
  'start() = validation, host checks, plan, run dir and spawn, before any readiness wait',
);
console.log('cpu = CPU time of the server process during the launch (manager / bare)');
console.log(
  'ratio = median over rounds of manager/bare (the pair ran back to back); medians = ratio of the medians',
);
console.log('remotes  manager(ms)  bare(ms)  ratio  medians  target        start()(ms)  cpu(ms)');
const results: { size: number; ratio: number }[] = [];
for (const size of SIZES) {
  const doc = topology(size);
  const managed: number[] = [];
  const bare: number[] = [];
  const startCalls: number[] = [];
  const cpuManaged: number[] = [];
  const cpuBare: number[] = [];
  // One unmeasured launch of each kind, so file caches and JIT are warm for both.
  for (let round = -1; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? ['manager', 'bare'] : ['bare', 'manager'];
    for (const kind of order) {
      if (kind === 'manager') {
        const t0 = performance.now();
        const cpu0 = process.cpuUsage();
        const { id } = await manager.start(doc, { acknowledged: ACK });
        const returned = performance.now() - t0;
        await untilRunning(manager, id);
        const ms = performance.now() - t0;
        if (round >= 0) {
          managed.push(ms);
          startCalls.push(returned);
          cpuManaged.push(cpuMs(process.cpuUsage(cpu0)));
        }
        await manager.stop(id);
        await settle();
      } else {
        const runDir = join(dataDir, `bare-${size}-${round}`);
        const planned = planLaunch(doc, caps, { runDir });
        if (!planned.ok) throw new Error(JSON.stringify(planned.problems));
        const t0 = performance.now();
        const cpu0 = process.cpuUsage();
        const run = await bareLaunch(planned.plan);
        const ms = performance.now() - t0;
        if (round >= 0) {
          bare.push(ms);
          cpuBare.push(cpuMs(process.cpuUsage(cpu0)));
        }
        await run.stop();
        await settle();
      }
    }
  }
  // Each round's two launches ran back to back: their ratio is free of the machine's slower drift,
  // which moves both. The ratio of the medians is printed beside it.
  const ratio = median(managed.map((ms, i) => ms / (bare[i] ?? ms)));
  results.push({ size, ratio });
  console.log(
    `${String(size).padStart(7)}  ${median(managed).toFixed(1).padStart(11)}  ${median(bare).toFixed(1).padStart(8)}  ${ratio.toFixed(3).padStart(5)}  ${(median(managed) / median(bare)).toFixed(3).padStart(6)}  <= ${TARGET.toFixed(2)} ${(ratio <= TARGET ? 'ok' : 'MISSED').padEnd(6)}  ${median(startCalls).toFixed(1).padStart(11)}  ${median(cpuManaged).toFixed(1)} / ${median(cpuBare).toFixed(1)}`,
  );
}

/**
 * Why the runtime spawns with child_process, not execa: the CPU one spawn costs this process with
 * execa (the options the server used with it) and with child_process.spawn (the runtime's), for
 * `true` (no QEMU time in the figure).
 */
const EXECA_OPTIONS = {
  buffer: false,
  reject: false,
  cleanup: false,
  forceKillAfterDelay: false,
  extendEnv: false,
} as const;
const childEnv = launchEnv();
async function spawnCost(kind: 'execa' | 'spawn', spawns: number): Promise<number> {
  const cpu0 = process.cpuUsage();
  const children = [];
  for (let i = 0; i < spawns; i++) {
    if (kind === 'execa') {
      children.push(
        execa('true', [], { ...EXECA_OPTIONS, stdio: ['ignore', 'pipe', 'pipe'], env: childEnv }),
      );
    } else {
      const child = spawn('true', [], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv });
      child.stdout.resume();
      child.stderr.resume();
      children.push(new Promise((r) => child.once('close', r)));
    }
  }
  const spawned = cpuMs(process.cpuUsage(cpu0));
  await Promise.all(children);
  return spawned / spawns;
}
const perSpawn = { execa: [] as number[], spawn: [] as number[] };
for (let round = 0; round < 21; round++) {
  for (const kind of round % 2 ? (['execa', 'spawn'] as const) : (['spawn', 'execa'] as const)) {
    perSpawn[kind].push(await spawnCost(kind, 9));
  }
}
const execaMs = median(perSpawn.execa);
const spawnMs = median(perSpawn.spawn);
console.log(
  `CPU per spawn, median of 21 rounds of 9: execa ${execaMs.toFixed(2)} ms, child_process.spawn ${spawnMs.toFixed(2)} ms; at 9 processes (8 remotes + main) execa adds ${(9 * (execaMs - spawnMs)).toFixed(1)} ms`,
);

(globalThis as { gc?: () => void }).gc?.();
memory('server memory, idle');
const alive: string[] = [];
for (let i = 0; i < 8; i++) {
  const { id } = await manager.start(topology(1), { acknowledged: ACK });
  await untilRunning(manager, id);
  alive.push(id);
}
(globalThis as { gc?: () => void }).gc?.();
memory('server memory, 8 runs alive (16 QEMU processes)');
await manager.shutdown();
rmSync(dataDir, { recursive: true, force: true });
const worst = Math.max(...results.map((r) => r.ratio));
console.log(
  `worst ratio ${worst.toFixed(3)} (target <= ${TARGET}); load average ${(loadavg()[0] ?? 0).toFixed(2)} on ${cpus().length} cores`,
);
