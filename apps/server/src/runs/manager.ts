/**
 * The launcher as the API sees it (RunManager, types.ts): a thin front over the start pipeline
 * (start-pipeline.ts), the host checks (host-check.ts) and the runs it owns (registry.ts).
 */
import { join, resolve } from 'node:path';
import { DEFAULT_ISOLATION, diffLive } from '@mpqemu/shared';
import { createHostRoots } from '../images/roots.ts';
import { createExecutableCache } from '../probe/binary.ts';
import { createSettingsStore } from '../store/settings.ts';
import { hostProblems, type HostContext } from './host-check.ts';
import type { RunManagerOptions } from './manager-options.ts';
import { prepareLive } from './live-prepare.ts';
import { runQmpOperation } from './qmp-ops.ts';
import { screenOf, screenshot } from './screen.ts';
import { refusal } from './refusal.ts';
import { RunRegistry } from './registry.ts';
import { consoleOutput, processLogs, runEvents, runStats } from './run-feeds.ts';
import { startRun } from './start-pipeline.ts';
import type { RunManager } from './types.ts';

export type { RunManagerOptions } from './manager-options.ts';

/** Finished runs kept, here and by the stale-run cleanup at start (stale-runs.ts). */
export const DEFAULT_KEEP_FINISHED = 50;

/** Where the runs of `dataDir` live. */
export function runsDirOf(dataDir: string): string {
  return join(resolve(dataDir), 'runs');
}

/**
 * Creates the launcher. The caller holds the data-dir lock (data-dir-lock.ts), having cleaned
 * what a dead predecessor left (stale-runs.ts). Call shutdown() before the server exits.
 */
export function createRunManager(options: RunManagerOptions): RunManager {
  const registry = new RunRegistry(options.keepFinished ?? DEFAULT_KEEP_FINISHED);
  const roots =
    options.roots ?? createHostRoots({ dataDir: options.dataDir, configured: options.imageRoots });
  const host: HostContext = {
    capabilities: options.capabilities,
    isolation: options.isolation ?? DEFAULT_ISOLATION,
    roots,
    findExecutable: createExecutableCache(),
    inUse: (real, ownRun) => registry.inUse(real, ownRun),
  };
  const settings = createSettingsStore(options.dataDir);
  const limits = options.limits ?? (async () => (await settings.get()).limits);
  const starts = { options, host, runsDir: runsDirOf(options.dataDir), registry, limits };
  let shuttingDown = false;
  const lookup = (runId: string) => registry.lookup(runId);

  return {
    async start(topology, startOptions = {}) {
      if (shuttingDown) throw refusal('the server is shutting down', 'server.shutdown');
      return startRun(starts, topology, startOptions);
    },
    hostCheck: (topology, ownRun) => hostProblems(host, topology, ownRun),
    stop: (runId, stopOptions) => lookup(runId).stop(stopOptions),
    list: () => registry.list(),
    get: (runId) => registry.get(runId),
    events: (runId, signal) =>
      runId === null ? registry.feed(signal) : runEvents(lookup(runId), signal),
    logs: (runId, process, signal) => processLogs(lookup(runId), process, signal),
    console: (runId, signal) => consoleOutput(lookup(runId), signal),
    consoleInput(runId, data) {
      lookup(runId).console.write(data);
    },
    stats: (runId, signal) => runStats(lookup(runId), signal),
    qmp: (runId, process, op) => runQmpOperation(lookup(runId), process, op),
    screen: (runId) => screenOf(lookup(runId)),
    screenshot: (runId) => screenshot(lookup(runId)),
    filesInUse: () => registry.filesInUse(),
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
        inUse: host.inUse,
      });
      await run.live.apply(prepared.diff, topology, prepared.planned);
      return run.snapshot();
    },
    async shutdown() {
      shuttingDown = true;
      await registry.stopAll();
    },
  };
}
