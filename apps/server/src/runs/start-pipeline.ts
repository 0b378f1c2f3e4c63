/**
 * Start, step by step: check the host, plan (which validates), require every warning to be
 * acknowledged, make the run directory, launch. Each step refuses with StartRefused before
 * anything is spawned, and the descriptors the host check opened are closed on every refusal.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  DEFAULT_ISOLATION,
  passFilesByFd,
  planLaunch,
  type Capabilities,
  type IsolationMode,
  type LaunchPlan,
  type RunInfo,
  type Topology,
  TERMINAL_RUN_STATES,
} from '@mpqemu/shared';
import type { Limits } from '../store/settings.ts';
import type { Timings } from '../timings.ts';
import { DEFAULT_LIVENESS_INTERVAL_MS } from '../runtime/liveness.ts';
import { checkHost, type CheckedHost, type HostContext } from './host-check.ts';
import type { RunManagerOptions } from './manager-options.ts';
import { unconfirmedHostWarnings } from './preflight.ts';
import { refusal, summarize } from './refusal.ts';
import type { RunRegistry } from './registry.ts';
import { Run } from './run.ts';
import { StartRefused, type StartOptions } from './types.ts';

/** What a start reads and where its run goes. */
export interface StartContext {
  options: RunManagerOptions;
  host: HostContext;
  /** `<dataDir>/runs`, made on the first start. */
  runsDir: string;
  registry: RunRegistry;
  limits: () => Promise<Limits>;
}

const LIMITS_WHERE = 'in "limits" of settings.json in the data directory';

/** The device processes a run has or will have. */
function remoteCount(processes: readonly { role: 'remote' | 'main' }[]): number {
  return processes.filter((p) => p.role === 'remote').length;
}

/** Refuses a start beyond the limits: which one, and how to raise it. */
function checkLimits(ctx: StartContext, limits: Limits, plan: LaunchPlan | null): void {
  const live = ctx.registry.list().filter((r) => !TERMINAL_RUN_STATES.includes(r.status));
  if (plan === null) {
    if (live.length >= limits.concurrentRuns) {
      throw refusal(
        `at most ${limits.concurrentRuns} runs at once (concurrentRuns ${LIMITS_WHERE}); stop a run, or raise the limit`,
        'limit.concurrent-runs',
      );
    }
    return;
  }
  const own = remoteCount(plan.processes);
  if (own > limits.processesPerRun) {
    throw refusal(
      `this VM has ${own} device processes; at most ${limits.processesPerRun} per run (processesPerRun ${LIMITS_WHERE}); put devices in the main QEMU, or raise the limit`,
      'limit.processes-per-run',
    );
  }
  const others = live.reduce((n, r) => n + remoteCount(r.processes), 0);
  if (others + own > limits.processesTotal) {
    throw refusal(
      `${others} device processes run already and this VM adds ${own}; at most ${limits.processesTotal} in all (processesTotal ${LIMITS_WHERE}); stop a run, or raise the limit`,
      'limit.processes-total',
    );
  }
}

const MiB = 1024 * 1024;

function time<T>(timings: Timings | undefined, step: string, work: () => Promise<T>): Promise<T> {
  return timings ? timings.time(step, work) : work();
}

/**
 * Checks, plans and launches `topology`; resolves with the new run's first snapshot (status
 * `starting`) as soon as it is registered. Throws StartRefused, having started nothing.
 */
export async function startRun(
  ctx: StartContext,
  topology: Topology,
  startOptions: StartOptions,
): Promise<RunInfo> {
  const { options } = ctx;
  const limits = await ctx.limits();
  checkLimits(ctx, limits, null);
  // The capabilities, the tools, the image roots and the runs' folder are looked up at once:
  // each is a few file-system round trips on the way from Start to the first QEMU.
  const capsRead = options
    .capabilities({ kvm: topology.vm.accel === 'kvm' })
    .catch((e: unknown) => {
      throw refusal((e as Error).message, 'host.capabilities');
    });
  const runsDirMade = mkdir(ctx.runsDir, { recursive: true, mode: 0o700 }).then(
    () => null,
    (e: unknown) => e as Error,
  );
  const checked = await time(
    options.timings,
    'preflight: capabilities, tools, host files and images',
    () => checkHost(ctx.host, topology, capsRead),
  );
  if (checked.errors.length > 0) {
    throw new StartRefused(`host check failed: ${summarize(checked.errors)}`, checked.errors);
  }
  // From here the descriptors are ours until the Run has passed them to QEMU.
  let handedOver = false;
  try {
    const caps = await capsRead;
    const id = newRunId(ctx);
    const dir = join(ctx.runsDir, id);
    const planned = await plan(checked.topology, caps, dir, ctx.host.isolation, options.timings);
    checkLimits(ctx, limits, planned);
    acknowledge(planned, checked, startOptions.acknowledged ?? []);
    const byFd = passFilesByFd(planned);
    await makeRunDir(dir, screenDir(byFd), runsDirMade, options.timings);
    const gathered = { id, dir, plan: byFd, checked, caps, topology, startOptions };
    const run = newRun(options, gathered, ctx.registry.publish);
    handedOver = true;
    return launch(ctx.registry, run);
  } finally {
    if (!handedOver) await checked.files.close();
  }
}

/** An id neither this registry nor the runs' folder has. */
function newRunId(ctx: StartContext): string {
  let id = randomBytes(6).toString('hex');
  // A stale run's directory kept for its logs may hold an id this manager never issued.
  while (ctx.registry.has(id) || existsSync(join(ctx.runsDir, id))) {
    id = randomBytes(6).toString('hex');
  }
  return id;
}

/**
 * Validates and plans the host-checked document (its paths are the real ones opened), so the
 * validator sees the document QEMU will run. Refuses on any error.
 */
async function plan(
  topology: Topology,
  caps: Capabilities,
  dir: string,
  isolation: IsolationMode,
  timings: Timings | undefined,
): Promise<LaunchPlan> {
  const planned = await time(timings, 'validate and plan', () =>
    Promise.resolve(planLaunch(topology, caps, { runDir: dir, isolation })),
  );
  if (!planned.ok) {
    const errors = planned.problems.filter((p) => p.severity === 'error');
    throw new StartRefused(`the topology has errors: ${summarize(errors)}`, errors);
  }
  return planned.plan;
}

/**
 * Refuses while any warning of the plan, or a host warning that needs confirming (a hard-linked
 * writable image), has not been confirmed by the caller (by its code).
 */
function acknowledge(
  plan: LaunchPlan,
  checked: CheckedHost,
  acknowledgedCodes: readonly string[],
): void {
  const acknowledged = new Set(acknowledgedCodes);
  const unacknowledged = [
    ...plan.problems.filter((p) => p.severity === 'warning' && !acknowledged.has(p.code)),
    ...unconfirmedHostWarnings(checked.warnings, acknowledgedCodes),
  ];
  if (unacknowledged.length === 0) return;
  const codes = [...new Set(unacknowledged.map((p) => p.code))].join(', ');
  throw new StartRefused(
    `confirm these warnings before starting (${codes}): ${summarize(unacknowledged)}`,
    unacknowledged,
  );
}

/**
 * The folder of the main QEMU's screen socket, when the VM has a display; refused when the
 * socket's path is longer than a unix socket address can hold (QEMU would fail to bind it).
 */
function screenDir(plan: LaunchPlan): string | null {
  const vnc = plan.processes.find((p) => p.role === 'main')?.vnc ?? null;
  if (vnc === null) return null;
  if (Buffer.byteLength(vnc) > MAX_SOCKET_PATH) {
    throw refusal(
      `the screen's socket ${vnc} is longer than a unix socket path may be (${MAX_SOCKET_PATH} bytes); choose a shorter data directory`,
      'host.data-dir',
    );
  }
  return dirname(vnc);
}

/** sun_path is 108 bytes on Linux, the last one the terminating NUL. */
const MAX_SOCKET_PATH = 107;

/**
 * Makes the run's own directory, once the runs' folder (made since the start began) exists, and
 * in it the screen's own folder: only QEMU's socket lives there, so a jail can bind just it.
 */
async function makeRunDir(
  dir: string,
  screen: string | null,
  runsDirMade: Promise<Error | null>,
  timings: Timings | undefined,
): Promise<void> {
  try {
    await time(timings, 'create the run directory', async () => {
      const failed = await runsDirMade;
      if (failed) throw failed;
      await mkdir(dir, { mode: 0o700 });
      if (screen !== null) await mkdir(screen, { mode: 0o700 });
    });
  } catch (e) {
    throw refusal(
      `cannot create the run directory ${dir}: ${(e as Error).message}`,
      'host.data-dir',
    );
  }
}

/** What a start has gathered by the time its Run is made. */
interface Gathered {
  id: string;
  dir: string;
  /** The plan with host files passed as descriptors. */
  plan: LaunchPlan;
  checked: CheckedHost;
  caps: Capabilities;
  /** The document as the caller gave it (before host paths were resolved). */
  topology: Topology;
  startOptions: StartOptions;
}

/** The Run of a start that passed every check: its spec and its settings, defaults filled in. */
function newRun(
  options: RunManagerOptions,
  start: Gathered,
  onChange: (info: RunInfo) => void,
): Run {
  const { timings } = options;
  return new Run(
    {
      id: start.id,
      dir: start.dir,
      plan: start.plan,
      files: start.checked.files,
      topologyName: start.startOptions.topologyName ?? null,
      vmName: start.topology.vm.name,
      problems: [...start.plan.problems, ...start.checked.warnings],
      topology: start.topology,
      capabilities: start.caps,
      isolation: options.isolation ?? DEFAULT_ISOLATION,
    },
    {
      readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
      stopGraceMs: options.stopGraceMs ?? 10_000,
      killGraceMs: options.killGraceMs ?? 3_000,
      logs: { ringBytes: options.logBytes ?? MiB, fileBytes: 16 * MiB },
      consoleBytes: options.consoleBytes ?? MiB,
      culpritLines: 20,
      ...(timings ? { onSpawned: () => timings.mark('QEMU processes spawned') } : {}),
      unplugTimeoutMs: options.unplugTimeoutMs ?? 10_000,
      livenessIntervalMs: options.livenessIntervalMs ?? DEFAULT_LIVENESS_INTERVAL_MS,
    },
    onChange,
  );
}

/** Registers the run, then lets it spawn: its first snapshot already has the feed's readers. */
function launch(registry: RunRegistry, run: Run): RunInfo {
  registry.add(run);
  void run.launch();
  return run.snapshot();
}
