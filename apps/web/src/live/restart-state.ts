import type { ProcessInfo, RunInfo } from '@mpqemu/shared';

/**
 * Why a restart of `process` would be refused now, in the server's own order (runs.restartProcess,
 * `live-ops.ts`), or null when it can go: the menus and buttons disable it with this reason
 * instead of sending a request bound to fail. `inFlight`: a restart of it sent from this page.
 */
export function restartBlocked(
  run: Pick<RunInfo, 'status' | 'spares'>,
  process: Pick<ProcessInfo, 'name' | 'role' | 'status'> | undefined,
  inFlight: boolean,
): string | null {
  if (!process) return 'not in the running VM yet';
  if (process.role !== 'remote') return 'the main QEMU is the VM itself: stop and start the VM';
  if (inFlight || process.status === 'restarting') return 'already restarting';
  if (process.status === 'starting') return 'still starting';
  if (run.status !== 'running' && run.status !== 'degraded') return `the VM is ${run.status}`;
  if (run.spares.total === 0) return 'the VM was started without spare channels';
  if (run.spares.left === 0) return 'no spare channel left: stop and start the VM';
  return null;
}
