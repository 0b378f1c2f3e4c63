/**
 * Validation and planning time for large topologies: `npx tsx bench/shared-bench.ts`.
 * Reports figures and the target; it never fails a test run (exit code 0 either way).
 *
 * QEMU's bus 0 holds 30 devices, so documents beyond that carry one validator error
 * (`pci.slots-exhausted`) and `planLaunch` refuses them. The validator still runs every rule over
 * the whole document, and the planner proper (`buildPlan`, which `planLaunch` calls after
 * validation) is timed directly on the same document.
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  DEFAULT_CAPABILITIES,
  TopologySchema,
  renderReadable,
  validate,
  type Capabilities,
  type Topology,
  type TopologyInput,
} from '../packages/shared/src/index.ts';
import { buildPlan } from '../packages/shared/src/plan/build.ts';

const SIZES = [10, 100, 1000, 2000];
const TARGET = { devices: 1000, ms: 10 };
const WARMUP_RUNS = 20;
const MIN_RUNS = 30;
const MAX_RUNS = 500;
const BUDGET_MS = 1500;

const CAPS: Capabilities = {
  ...DEFAULT_CAPABILITIES,
  accels: { tcg: { present: true, usable: true }, kvm: { present: true, usable: true } },
};

type DeviceInput = TopologyInput['devices'][number];
type DriveInput = TopologyInput['drives'][number];

/**
 * A realistic mix, repeated: half the devices proxied (one per remote process), storage
 * controllers with several disks, block devices with their image, NICs with forwards.
 */
function topology(n: number): Topology {
  const processes: TopologyInput['processes'] = [];
  const devices: DeviceInput[] = [];
  const drives: DriveInput[] = [];
  const disk = (id: string, attachedTo: string, scsiId?: number): DriveInput => ({
    id,
    model: scsiId === undefined ? 'disk-image' : 'scsi-hd',
    image: { path: `/var/lib/images/${id}.qcow2`, format: 'qcow2' },
    attachedTo,
    ...(scsiId === undefined ? {} : { scsiId }),
  });
  for (let i = 0; i < n; i++) {
    const kind = i % 6;
    const proxied = kind < 3;
    const placement = proxied
      ? ({ kind: 'remote', process: `rp${i}` } as const)
      : ({ kind: 'main' } as const);
    if (proxied) processes.push({ id: `rp${i}`, label: `process ${i}` });
    const id = `dev${i}`;
    switch (kind) {
      case 0:
      case 4: {
        devices.push({
          id,
          family: 'storage',
          model: kind === 0 ? 'lsi53c895a' : 'virtio-scsi-pci',
          placement,
        });
        for (let s = 0; s < 3; s++) drives.push(disk(`${id}d${s}`, id, s));
        break;
      }
      case 1:
      case 3:
        devices.push({
          id,
          family: 'net',
          model: kind === 1 ? 'e1000e' : 'virtio-net-pci',
          placement,
          mac: `52:54:00:${[i >> 16, (i >> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}`,
          backend: {
            type: 'user',
            hostForwards: [{ protocol: 'tcp', hostPort: 10_000 + i, guestPort: 22 }],
          },
        });
        break;
      default:
        devices.push({
          id,
          family: 'block',
          model: kind === 2 ? 'virtio-blk-pci' : 'nvme',
          placement,
        });
        drives.push(disk(`${id}img`, id));
    }
  }
  return TopologySchema.parse({
    version: 3,
    vm: {
      name: `bench-${n}`,
      machine: 'pc',
      accel: 'kvm',
      cpus: 4,
      memoryMiB: 2048,
      boot: { kind: 'disk', drive: 'dev0d0' },
    },
    processes,
    devices,
    drives,
  } satisfies TopologyInput);
}

/** Median milliseconds of `fn` after warm-up, over at least MIN_RUNS runs or BUDGET_MS. */
function median(fn: () => unknown): number {
  for (let i = 0; i < WARMUP_RUNS; i++) fn();
  const times: number[] = [];
  const start = performance.now();
  while (
    times.length < MAX_RUNS &&
    (times.length < MIN_RUNS || performance.now() - start < BUDGET_MS)
  ) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? NaN;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Bytes a plan keeps alive: constant per device means the output itself grows linearly. */
function retainedBytes(make: () => unknown): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept = make();
  gc();
  const after = process.memoryUsage().heapUsed;
  return kept === undefined ? NaN : after - before;
}

const ms = (x: number) => x.toFixed(3).padStart(9);
const us = (x: number) => x.toFixed(2).padStart(9);

console.log('mpqemu shared: validate() + planner, median after warm-up (ms)');
console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
console.log('');
console.log(
  'devices  drives  procs  errors |  validate      plan     total | µs/device |    render | plan KiB/device',
);
let targetTotal = NaN;
for (const n of SIZES) {
  const t = topology(n);
  const problems = validate(t, CAPS);
  const errors = problems.filter((p) => p.severity === 'error').map((p) => p.code);
  const unexpected = errors.filter((c) => c !== 'pci.slots-exhausted');
  if (unexpected.length > 0) throw new Error(`bench document has errors: ${unexpected.join(', ')}`);
  const v = median(() => validate(t, CAPS));
  const p = median(() => buildPlan(t, CAPS, '/run/mpqemu/bench', problems));
  const plan = buildPlan(t, CAPS, '/run/mpqemu/bench', problems);
  const r = median(() => renderReadable(plan));
  const kib = retainedBytes(() => buildPlan(t, CAPS, '/run/mpqemu/bench', problems)) / 1024 / n;
  const total = v + p;
  if (n === TARGET.devices) targetTotal = total;
  console.log(
    `${String(n).padStart(7)} ${String(t.drives.length).padStart(7)} ${String(t.processes.length).padStart(6)} ${String(errors.length).padStart(7)} |${ms(v)} ${ms(p)} ${ms(total)} | ${us((total * 1000) / n)} |${ms(r)} | ${kib.toFixed(2).padStart(15)}`,
  );
}
console.log('');
const pass = targetTotal <= TARGET.ms;
console.log(
  `target: validate + plan of ${TARGET.devices} devices ≤ ${TARGET.ms} ms: ${targetTotal.toFixed(3)} ms ${pass ? 'PASS' : 'FAIL'}`,
);
console.log('(render = renderReadable of the same plan, for reference; not part of the target)');
console.log(
  '(every rule and planner step is one pass with Map lookups; growth beyond linear at the largest',
);
console.log(
  ' sizes is V8 promoting the plan out of the young generation: try --max-semi-space-size=128)',
);
