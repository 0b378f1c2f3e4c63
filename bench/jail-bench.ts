/**
 * What a jail costs at launch: the same plan launched through the runtime with every process
 * jailed (setpriv → prlimit → bwrap, as this host's probe finds them) and with isolation off,
 * alternated launch by launch, at 1, 4 and 8 device processes. Prints the median time to every
 * process answering its readiness query, and the difference per process. Target: ≤ 5 ms.
 * Run: npx tsx bench/jail-bench.ts [pairs]
 */
import { cpus, loadavg } from 'node:os';
import { DEFAULT_CAPABILITIES, planLaunch, type IsolationMode } from '@mpqemu/shared';
import { probeJail } from '../apps/server/src/probe/jail.ts';
import { resolveQemu } from '../apps/server/src/probe/binary.ts';
import { bareLaunch } from './bare-launch.ts';
import { lsiTopology } from './lsi-topology.ts';

const PAIRS = Number(process.argv[2] ?? 15);
const TARGET_MS = 5;

const binary = await resolveQemu('qemu-system-x86_64');
const jail = await probeJail(binary);
if (!jail.usable) {
  console.log(`jail bench skipped: this host cannot jail (${jail.reason ?? 'unknown'})`);
  process.exit(0);
}
const caps = { ...DEFAULT_CAPABILITIES, binary, jail };

function planFor(remotes: number, isolation: IsolationMode) {
  const planned = planLaunch(lsiTopology(remotes), caps, { runDir: '/nonexistent', isolation });
  if (!planned.ok) throw new Error(JSON.stringify(planned.problems));
  return planned.plan;
}

async function launchMs(remotes: number, isolation: IsolationMode): Promise<number> {
  const t0 = performance.now();
  const run = await bareLaunch(planFor(remotes, isolation), 30_000);
  const ms = performance.now() - t0;
  await run.stop();
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
let over = false;
console.log(
  `jails: uid of its own ${jail.ownUids ? 'yes (root)' : 'no'}; ${PAIRS} alternated pairs per size`,
);
for (const remotes of [1, 4, 8]) {
  await launchMs(remotes, 'off'); // warm the page cache and the probe's binaries
  const jailed: number[] = [];
  const bare: number[] = [];
  const diffs: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const order: IsolationMode[] = i % 2 === 0 ? ['required', 'off'] : ['off', 'required'];
    const got: Record<string, number> = {};
    for (const mode of order) got[mode] = await launchMs(remotes, mode);
    jailed.push(got.required ?? 0);
    bare.push(got.off ?? 0);
    diffs.push((got.required ?? 0) - (got.off ?? 0));
  }
  const perProcess = median(diffs) / (remotes + 1);
  if (perProcess > TARGET_MS) over = true;
  console.log(
    `${remotes} remote${remotes === 1 ? '' : 's'} + main: jailed ${median(jailed).toFixed(1)} ms, unjailed ${median(bare).toFixed(1)} ms; median paired difference ${median(diffs).toFixed(1)} ms = ${perProcess.toFixed(1)} ms per process (target ≤ ${TARGET_MS})`,
  );
}
console.log(`load ${(loadavg()[0] ?? 0).toFixed(2)} on ${cpus().length} cores`);
if (over) console.log('OVER TARGET');
