/**
 * The launcher: preflights a topology, then plans it (which validates it) once with the shared
 * planner, and owns the resulting runs. The API calls only the RunManager methods (types.ts).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  diffLive,
  passFilesByFd,
  planLaunch,
  type Capabilities,
  type LogChunk,
  type Problem,
  type RunInfo,
  type StatsSample,
  type Topology,
} from '@mpqemu/shared';
import { createImageRoots, type ImageRoots } from '../images/roots.ts';
import { createExecutableCache } from '../probe/binary.ts';
import { createSettingsStore } from '../store/settings.ts';
import { Topic } from './feed.ts';
import { preflight, type PreflightResult } from './preflight.ts';
import { runQmpOperation } from './qmp-ops.ts';
import { prepareLive } from './live-prepare.ts';
import { Run } from './run.ts';
import type { Timings } from '../timings.ts';
import type { RunSettings } from './run-record.ts';
import { StartRefused, UnknownRun, type RunManager, type StartOptions } from './types.ts';

export interface RunManagerOptions {
  /**
   * The probed capabilities (usually CapabilityService.get); a rejection refuses the start.
   * `kvm` is false for a TCG topology, which must not wait for the KVM boot check.
   */
  capabilities: (needs: { kvm: boolean }) => Promise<Capabilities>;
  /** Runs live in `<dataDir>/runs/<id>` (sockets, logs). */
  dataDir: string;
  /** Image roots added by flag or environment (the library and the samples' folder always count). */
  imageRoots?: readonly string[];
  /** Default: createImageRoots over `dataDir`, `imageRoots` and the saved settings. */
  roots?: ImageRoots;
  /** Per process: spawn to QMP answering a query. Default 30 s. */
  readyTimeoutMs?: number;
  /** How long stop() lets the guest power off before `quit`. Default 10 s. */
  stopGraceMs?: number;
  /** After SIGTERM, before SIGKILL. Default 3 s. */
  killGraceMs?: number;
  /** Log ring buffer per process. Default 1 MiB. */
  logBytes?: number;
  /** Serial console backlog. Default 1 MiB. */
  consoleBytes?: number;
  /** Finished runs kept in list() (their run directories too); older ones are forgotten. */
  keepFinished?: number;
  setpriv?: string;
  /** Where each start's time goes, step by step (`mpqemu up --timings`, the benchmarks). */
  timings?: Timings;
  /** How long a restart or hot-unplug waits for the guest to release a device. Default 10 s. */
  unplugTimeoutMs?: number;
}

const MiB = 1024 * 1024;
/** Finished runs kept, here and by the stale-run cleanup at start (stale-runs.ts). */
export const DEFAULT_KEEP_FINISHED = 50;

function refusal(message: string, code: string, path = ''): StartRefused {
  return new StartRefused(message, [
    { severity: 'error', code, message, path, nodeIds: ['$vm'] } satisfies Problem,
  ]);
}

function summarize(problems: readonly Problem[]): string {
  const first = problems[0]?.message ?? '';
  return problems.length === 1 ? first : `${first} (and ${problems.length - 1} more)`;
}

/** Where the runs of `dataDir` live. */
export function runsDirOf(dataDir: string): string {
  return join(resolve(dataDir), 'runs');
}

/**
 * Creates the launcher. The caller holds the data-dir lock (data-dir-lock.ts), having cleaned
 * what a dead predecessor left (stale-runs.ts). Call shutdown() before the server exits.
 */
export function createRunManager(options: RunManagerOptions): RunManager {
  const runsDir = runsDirOf(options.dataDir);
  const runs = new Map<string, Run>();
  const all = new Topic<RunInfo>();
  const settings: Omit<RunSettings, 'setpriv'> = {
    readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
    stopGraceMs: options.stopGraceMs ?? 10_000,
    killGraceMs: options.killGraceMs ?? 3_000,
    logs: { ringBytes: options.logBytes ?? MiB, fileBytes: 16 * MiB },
    consoleBytes: options.consoleBytes ?? MiB,
    culpritLines: 20,
    ...(options.timings
      ? { onSpawned: () => options.timings?.mark('QEMU processes spawned') }
      : {}),
    unplugTimeoutMs: options.unplugTimeoutMs ?? 10_000,
  };
  const keepFinished = options.keepFinished ?? DEFAULT_KEEP_FINISHED;
  const settingsStore = createSettingsStore(options.dataDir);
  const roots =
    options.roots ??
    createImageRoots({
      dataDir: options.dataDir,
      configured: options.imageRoots ?? [],
      saved: async () => (await settingsStore.get()).imageRoots,
    });
  let shuttingDown = false;

  /** Real path → the live runs holding it (each image, kernel and initrd QEMU was given). */
  function filesInUse(): Map<string, string[]> {
    const used = new Map<string, string[]>();
    for (const run of runs.values()) {
      if (run.terminal) continue;
      for (const process of run.spec.plan.processes) {
        for (const file of Object.values(process.files ?? {})) {
          const ids = used.get(file.path) ?? [];
          if (!ids.includes(run.spec.id)) ids.push(run.spec.id);
          used.set(file.path, ids);
        }
      }
    }
    return used;
  }

  /** Which live run has `real` open, for people: `run 3fa2… (lab)`; null when none. */
  /** The run (other than `ownRun`) holding `real` for writing, in words; null when none. */
  function inUse(real: string, ownRun?: string): string | null {
    const id = filesInUse()
      .get(real)
      ?.find((r) => r !== ownRun);
    const name = id === undefined ? undefined : runs.get(id)?.spec.topologyName;
    if (id === undefined) return null;
    return `run ${id}${name === null || name === undefined ? '' : ` (${name})`}`;
  }

  function lookup(runId: string): Run {
    const run = runs.get(runId);
    if (!run) throw new UnknownRun(runId);
    return run;
  }

  async function forgetOldRuns(): Promise<void> {
    const finished = [...runs.values()].filter((r) => r.terminal);
    for (const run of finished.slice(0, Math.max(0, finished.length - keepFinished))) {
      runs.delete(run.spec.id);
      await rm(run.spec.dir, { recursive: true, force: true });
    }
  }

  const findExecutable = createExecutableCache();

  /** Both tools QEMU is started with; setpriv is looked up while the capabilities are read. */
  async function tools(caps: Promise<Capabilities>): Promise<{ setpriv: string }> {
    const [qemu, setpriv] = await Promise.all([
      caps.then((c) => findExecutable(c.binary)),
      findExecutable(options.setpriv ?? 'setpriv'),
    ]);
    if (!qemu) {
      const { binary } = await caps;
      throw refusal(
        `QEMU binary ${binary} not found. Install it with: apt-get install qemu-system-x86`,
        'host.qemu-missing',
      );
    }
    if (!setpriv) {
      throw refusal(
        "setpriv not found; it ties each QEMU to the server's life. Install it with: apt-get install util-linux",
        'host.setpriv-missing',
      );
    }
    return { setpriv };
  }

  const time = <T>(step: string, work: () => Promise<T>): Promise<T> =>
    options.timings ? options.timings.time(step, work) : work();

  /**
   * The host half of Start's checks: tools present (and the image roots read, meanwhile), then
   * every file (preflight.ts). Without errors the caller owns the opened descriptors (`files`).
   */
  async function checkHost(
    topology: Topology,
    caps: Promise<Capabilities>,
    ownRun?: string,
  ): Promise<PreflightResult & { setpriv: string }> {
    const [{ setpriv }, confinement] = await Promise.all([tools(caps), roots.confinement()]);
    const checked = await preflight(topology, {
      confinement,
      inUse: (real) => inUse(real, ownRun),
    });
    return { ...checked, setpriv };
  }

  async function hostCheck(topology: Topology, ownRun?: string): Promise<Problem[]> {
    try {
      // Checking files never waits for the KVM boot check.
      const caps = options.capabilities({ kvm: false });
      const { errors, warnings, files } = await checkHost(topology, caps, ownRun);
      // Only looking: nothing is launched, so no descriptor may stay open.
      await files.close();
      return [...errors, ...warnings];
    } catch (e) {
      if (e instanceof StartRefused) return e.problems;
      const message = (e as Error).message;
      return [
        { severity: 'error', code: 'host.capabilities', message, path: '', nodeIds: ['$vm'] },
      ];
    }
  }

  async function start(topology: Topology, startOptions: StartOptions = {}): Promise<RunInfo> {
    if (shuttingDown) throw refusal('the server is shutting down', 'server.shutdown');
    // The capabilities, the tools, the image roots and the runs' folder are looked up at once:
    // each is a few file-system round trips on the way from Start to the first QEMU.
    const capsRead = options
      .capabilities({ kvm: topology.vm.accel === 'kvm' })
      .catch((e: unknown) => {
        throw refusal((e as Error).message, 'host.capabilities');
      });
    const runsDirMade = mkdir(runsDir, { recursive: true, mode: 0o700 }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    const checked = await time('preflight: capabilities, tools, host files and images', () =>
      checkHost(topology, capsRead),
    );
    if (checked.errors.length > 0) {
      throw new StartRefused(`host check failed: ${summarize(checked.errors)}`, checked.errors);
    }
    // From here the descriptors are ours until the Run has passed them to QEMU.
    let handedOver = false;
    try {
      const caps = await capsRead;
      const run = await createRun(topology, checked, caps, startOptions, runsDirMade);
      handedOver = true;
      return run;
    } finally {
      if (!handedOver) await checked.files.close();
    }
  }

  async function createRun(
    topology: Topology,
    checked: PreflightResult & { setpriv: string },
    caps: Capabilities,
    startOptions: StartOptions,
    runsDirMade: Promise<Error | null>,
  ): Promise<RunInfo> {
    let id = randomBytes(6).toString('hex');
    // A stale run's directory kept for its logs may hold an id this manager never issued.
    while (runs.has(id) || existsSync(join(runsDir, id))) id = randomBytes(6).toString('hex');
    const dir = join(runsDir, id);
    // Planned once, after the host check: the validator then sees the document QEMU will run.
    const planned = await time('validate and plan', () =>
      Promise.resolve(planLaunch(checked.topology, caps, { runDir: dir })),
    );
    if (!planned.ok) {
      const errors = planned.problems.filter((p) => p.severity === 'error');
      throw new StartRefused(`the topology has errors: ${summarize(errors)}`, errors);
    }
    const acknowledged = new Set(startOptions.acknowledged ?? []);
    const unacknowledged = planned.plan.problems.filter(
      (p) => p.severity === 'warning' && !acknowledged.has(p.code),
    );
    if (unacknowledged.length > 0) {
      const codes = [...new Set(unacknowledged.map((p) => p.code))].join(', ');
      throw new StartRefused(
        `confirm these warnings before starting (${codes}): ${summarize(unacknowledged)}`,
        unacknowledged,
      );
    }
    const plan = passFilesByFd(planned.plan);
    try {
      await time('create the run directory', async () => {
        const failed = await runsDirMade;
        if (failed) throw failed;
        await mkdir(dir, { mode: 0o700 });
      });
    } catch (e) {
      throw refusal(
        `cannot create the run directory ${dir}: ${(e as Error).message}`,
        'host.data-dir',
      );
    }

    const run = new Run(
      {
        id,
        dir,
        plan,
        files: checked.files,
        topologyName: startOptions.topologyName ?? null,
        vmName: topology.vm.name,
        problems: [...plan.problems, ...checked.warnings],
        topology,
        capabilities: caps,
      },
      { ...settings, setpriv: checked.setpriv },
      (info) => all.emit(info),
    );
    runs.set(id, run);
    void run.whenEnded().then(forgetOldRuns);
    void run.launch();
    return run.snapshot();
  }

  return {
    start,
    hostCheck,
    stop: (runId, stopOptions) => lookup(runId).stop(stopOptions),
    list: () => [...runs.values()].map((r) => r.snapshot()),
    get: (runId) => runs.get(runId)?.snapshot(),
    events(runId, signal) {
      if (runId === null) {
        return all.subscribe(signal, () => [...runs.values()].map((r) => r.snapshot()));
      }
      const run = lookup(runId);
      // A finished run's topic is closed: the subscriber gets the final snapshot and ends.
      return run.updates.subscribe(signal, () => [run.snapshot()]);
    },
    logs(runId, process, signal) {
      const handle = lookup(runId).handles.get(process);
      if (!handle) throw new UnknownRun(runId, process);
      return handle.logs.subscribe(signal, (): LogChunk[] => [
        { process, text: handle.log.text(), dropped: handle.log.dropped },
      ]);
    },
    console(runId, signal) {
      const run = lookup(runId);
      return run.console.output.subscribe(signal, () => {
        const backlog = run.console.backlog.text();
        return backlog === '' ? [] : [backlog];
      });
    },
    consoleInput(runId, data) {
      lookup(runId).console.write(data);
    },
    stats(runId, signal) {
      const run = lookup(runId);
      return run.stats.samples.subscribe(signal, (): StatsSample[] =>
        run.stats.last ? [run.stats.last] : [],
      );
    },
    qmp: (runId, process, op) => runQmpOperation(lookup(runId), process, op),
    filesInUse,
    async restartProcess(runId, process) {
      const run = lookup(runId);
      await run.live.restart(process);
      return run.snapshot();
    },
    diffLive(runId, topology) {
      const run = lookup(runId);
      return diffLive(run.info.topology, topology, { sparesLeft: run.sparesLeft() });
    },
    async applyLive(runId, topology, liveOptions = {}) {
      const run = lookup(runId);
      const prepared = await prepareLive(run, topology, liveOptions, {
        confinement: await roots.confinement(),
        inUse,
      });
      await run.live.apply(prepared.diff, topology, prepared.planned);
      return run.snapshot();
    },
    async shutdown() {
      shuttingDown = true;
      await Promise.all([...runs.values()].map((r) => r.stop()));
      all.close();
    },
  };
}
