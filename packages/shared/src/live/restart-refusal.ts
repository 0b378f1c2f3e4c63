import type { ProcessInfo, RunInfo, RunStatus } from '../runs.ts';

/**
 * Why a restart of one process of a running VM is refused now. The server refuses in this order
 * (runs.restartProcess) and the page disables its Restart items with the same answer, each in its
 * own words; this is the one place the rules and their order live.
 */
export type RestartRefusal =
  /** The process is not (or no longer) part of the running VM. */
  | { code: 'unknown-process' }
  /** The main QEMU is the VM: it is stopped and started with the run, never alone. */
  | { code: 'main-process' }
  /** A restart of it is under way (or was just asked for). */
  | { code: 'restarting' }
  /** It has not answered QMP yet (the launch or a hot-plug is still bringing it up). */
  | { code: 'starting' }
  /** Live changes need a VM that runs. */
  | { code: 'vm-not-live'; status: RunStatus }
  /** The main QEMU was started without spare channels (q35, no remote process, or 0 asked). */
  | { code: 'no-spare-channels' }
  /** Every spare channel was used by earlier restarts and hot-plugs. */
  | { code: 'spares-used-up'; total: number };

/** Why no live change (restart, hot-plug, hot-remove) can be made to a run now; null when it can. */
export function liveChangeRefusal(
  run: Pick<RunInfo, 'status' | 'spares'>,
): Extract<RestartRefusal, { code: 'vm-not-live' | 'no-spare-channels' }> | null {
  if (run.status !== 'running' && run.status !== 'degraded') {
    return { code: 'vm-not-live', status: run.status };
  }
  if (run.spares.total === 0) return { code: 'no-spare-channels' };
  return null;
}

/**
 * Null when `process` can be restarted now. `busy`: a restart (or unplug) of it is in flight,
 * which its status may not show yet.
 */
export function restartRefusal(
  run: Pick<RunInfo, 'status' | 'spares'>,
  process: Pick<ProcessInfo, 'role' | 'status'> | undefined,
  busy: boolean,
): RestartRefusal | null {
  if (!process) return { code: 'unknown-process' };
  if (process.role !== 'remote') return { code: 'main-process' };
  if (busy || process.status === 'restarting') return { code: 'restarting' };
  if (process.status === 'starting') return { code: 'starting' };
  const notLive = liveChangeRefusal(run);
  if (notLive) return notLive;
  if (run.spares.left === 0) return { code: 'spares-used-up', total: run.spares.total };
  return null;
}
