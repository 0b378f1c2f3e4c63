/**
 * Start-up of the compiled `mpqemu` CLI and of the capability probe, with their targets:
 * `print` wall time, `up` to its first QEMU spawn (warm cache), `up` to the guest's PCI list side
 * by side with a bare launcher on the same argv, and cold and warm probe times.
 * Run: node --import tsx bench/cli-bench.ts [rounds]
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTopologyText, resolveDocumentPaths } from '@mpqemu/shared';
import { execa } from 'execa';
import { createCapabilityService } from '../apps/server/src/probe/index.ts';
import { build } from 'esbuild';
import type { BarePlan } from './bare-launch.ts';

const ROUNDS = Number(process.argv[2] ?? 3);
const root = join(import.meta.dirname, '..');
const BIN = join(root, 'apps/server/bin/mpqemu.mjs');
const PCI_LINE = 'mpqemu-guest: pci 0000:00:05.0 1000:0012';

const now = (): number => performance.timeOrigin + performance.now();
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
function row(what: string, ms: number, target: string, ok: boolean | null, extra = ''): void {
  const verdict = ok === null ? '' : ok ? 'ok' : 'MISSED';
  console.log(
    `${what.padEnd(44)} ${ms.toFixed(1).padStart(8)} ms  ${target.padEnd(14)} ${verdict.padEnd(6)} ${extra}`,
  );
}

execFileSync(process.execPath, [join(root, 'scripts/build-server.mjs'), '--if-stale'], {
  stdio: 'inherit',
});
const work = await mkdtemp(join(tmpdir(), 'mpqemu-cli-bench-'));
const examples = join(root, 'examples');
const loaded = loadTopologyText(await readFile(join(examples, 'upstream-lsi.json'), 'utf8'));
if (!loaded.ok) throw new Error('examples/upstream-lsi.json does not load');
const original = resolveDocumentPaths(loaded.topology, examples);
const drives = original.drives.map((d) => ({
  ...d,
  image: { ...d.image, path: join(work, `${d.id}.img`) },
}));
for (const d of drives)
  execFileSync('qemu-img', ['create', '-q', '-f', d.image.format, d.image.path, '16M']);
const file = join(work, 'upstream-lsi.json');
await writeFile(file, JSON.stringify({ ...original, drives }));

console.log(`CLI and probe start-up, ${ROUNDS} rounds where repeated; figures are medians`);

// The probe: cold (a new data dir), the KVM boot check on top, then warm (a new process's view).
{
  const dataDir = join(work, 'probe');
  let t = performance.now();
  const service = createCapabilityService('qemu-system-x86_64', { dataDir });
  await service.get({ kvm: false });
  row('probe, cold (help outputs, no KVM check)', performance.now() - t, '', null);
  t = performance.now();
  const withKvm = await service.get({ kvm: true });
  row(
    'KVM boot check, cold',
    performance.now() - t,
    '',
    null,
    withKvm.accels.kvm.usable ? 'usable' : 'not usable here',
  );
  const warm: number[] = [];
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    await createCapabilityService('qemu-system-x86_64', { dataDir }).get({ kvm: true });
    warm.push(performance.now() - t);
  }
  row('probe, warm (cache file, KVM check included)', median(warm), '', null);
}

// The example's disk is copied into `work`: an image root, as a user would configure it.
const env = { MPQEMU_DATA_DIR: join(work, 'data'), MPQEMU_IMAGE_ROOTS: work };
{
  // Node's own start-up, the floor under every figure below (it grows with the machine's load).
  const floor: number[] = [];
  for (let i = 0; i < 2 * ROUNDS + 1; i++) {
    const t = now();
    await execa('node', ['-e', '0']);
    floor.push(now() - t);
  }
  row('node -e 0 (Node alone, for reference)', median(floor), '', null);
  const walls: number[] = [];
  for (let i = 0; i < 2 * ROUNDS + 1; i++) {
    const t = now();
    await execa('node', [BIN, 'print', file], { env });
    walls.push(now() - t);
  }
  row('mpqemu print, wall', median(walls), '<= 300 ms', median(walls) <= 300);
}

// Warm the cache as a user's earlier command would have.
await execa('node', [BIN, 'check', file, '--probe'], { env, reject: false });

/** One `mpqemu up`: ms from the command to its first spawn, and to the guest's PCI list. */
async function upOnce(): Promise<{ spawn: number; pci: number; breakdown: string }> {
  const t0 = now();
  const child = execa('node', [BIN, 'up', file, '--yes', '--timings'], {
    env,
    reject: false,
    stdin: 'ignore',
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const pci = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes(PCI_LINE)) resolve(now() - t0);
    });
    void child.then(() => reject(new Error(`mpqemu up ended early:\n${err}`)));
  });
  child.kill('SIGINT');
  await child;
  const origin = Number(/epoch ([\d.]+)\)/.exec(err)?.[1]);
  const spawnedAt = Number(/at\s+([\d.]+) ms\s+QEMU processes spawned/.exec(err)?.[1]);
  const block = err.slice(err.indexOf('timings ('));
  return {
    spawn: origin + spawnedAt - t0,
    pci,
    breakdown: block.slice(0, block.indexOf('[mpqemu]')),
  };
}

// The bare launcher runs as a command too, compiled like the CLI: both figures start at the
// command, Node's own start-up included.
const BARE = join(work, 'bare-boot.mjs');
await build({
  entryPoints: [join(root, 'bench/bare-boot.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: BARE,
  logLevel: 'warning',
});

/** One bare launch: ms from the command to the guest's PCI list. */
async function bareOnce(plan: BarePlan): Promise<number> {
  const planFile = join(work, 'bare-plan.json');
  await writeFile(planFile, JSON.stringify(plan));
  const t0 = now();
  const child = execa('node', [BARE, planFile, PCI_LINE], { stdin: 'ignore' });
  const found = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      if (c.toString().includes('found')) resolve(now() - t0);
    });
    void child.then(() => reject(new Error('the bare launcher ended without the PCI list')));
  });
  await child;
  return found;
}

/** What `mpqemu print --json` gives a launcher: the processes and the main QEMU's spare fds. */
const printed = async (runDir: string): Promise<BarePlan> => {
  const r = await execa('node', [BIN, 'print', file, '--json', '--run-dir', runDir], { env });
  const { processes, spares } = JSON.parse(r.stdout) as BarePlan;
  return { processes, spares };
};

const spawns: number[] = [];
const ups: number[] = [];
const bares: number[] = [];
let lastBreakdown = '';
for (let round = 0; round < ROUNDS; round++) {
  for (const kind of round % 2 === 0 ? ['up', 'bare'] : ['bare', 'up']) {
    if (kind === 'up') {
      const r = await upOnce();
      spawns.push(r.spawn);
      ups.push(r.pci);
      lastBreakdown = r.breakdown;
    } else {
      const runDir = join(work, `bare-${round}`);
      bares.push(await bareOnce(await printed(runDir)));
    }
  }
}
row(
  'mpqemu up, command to first QEMU spawn',
  median(spawns),
  '<= 400 ms',
  median(spawns) <= 400,
  '(warm cache)',
);
const ratio = median(ups) / median(bares);
row('mpqemu up, command to guest PCI list', median(ups), '', null);
row('bare launcher command to guest PCI list', median(bares), '', null);
console.log(
  `${'ratio up / bare'.padEnd(44)} ${ratio.toFixed(3).padStart(8)}     <= 1.10         ${ratio <= 1.1 ? 'ok' : 'MISSED'}`,
);
console.log(`last up --timings:\n${lastBreakdown.trimEnd()}`);
console.log(`load average ${(loadavg()[0] ?? 0).toFixed(2)} on ${cpus().length} cores`);
await rm(work, { recursive: true, force: true });
