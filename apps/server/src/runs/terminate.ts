/** Ending processes in escalating steps, each bounded in time. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProcessHandle } from './process-handle.ts';

/**
 * True when every handle has exited within `ms`. `cutShort` (a force stop) ends the wait early,
 * with false unless they have all exited by then.
 */
export async function exitedWithin(
  handles: readonly ProcessHandle[],
  ms: number,
  cutShort?: AbortSignal,
): Promise<boolean> {
  const alive = handles.filter((h) => h.alive);
  if (alive.length === 0) return true;
  const controller = new AbortController();
  const signal = cutShort ? AbortSignal.any([controller.signal, cutShort]) : controller.signal;
  const all = Promise.all(alive.map((h) => h.exited)).then(() => true);
  const timeout = sleep(ms, false, { signal }).catch(() => false);
  const result = await Promise.race([all, timeout]);
  controller.abort();
  return result || handles.every((h) => !h.alive);
}

/**
 * Waits `naturalMs` for the processes to exit by themselves (remotes follow their main QEMU),
 * then SIGTERM, then SIGKILL. Resolves when none is left. `cutShort` skips the rest of the
 * natural wait; the SIGTERM grace stays, so QEMU still gets to close its images.
 */
export async function terminate(
  handles: readonly ProcessHandle[],
  naturalMs: number,
  termGraceMs: number,
  cutShort?: AbortSignal,
): Promise<void> {
  if (naturalMs > 0 && (await exitedWithin(handles, naturalMs, cutShort))) return;
  for (const h of handles) h.kill('SIGTERM');
  if (await exitedWithin(handles, termGraceMs)) return;
  for (const h of handles) h.kill('SIGKILL');
  await Promise.all(handles.map((h) => h.exited));
}
