/** Ending processes in escalating steps, each bounded in time. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProcessHandle } from './process-handle.ts';

/** True when every handle has exited within `ms`. */
export async function exitedWithin(
  handles: readonly ProcessHandle[],
  ms: number,
): Promise<boolean> {
  const alive = handles.filter((h) => h.alive);
  if (alive.length === 0) return true;
  const controller = new AbortController();
  const all = Promise.all(alive.map((h) => h.exited)).then(() => true);
  const timeout = sleep(ms, false, { signal: controller.signal }).catch(() => false);
  const result = await Promise.race([all, timeout]);
  controller.abort();
  return result;
}

/**
 * Waits `naturalMs` for the processes to exit by themselves (remotes follow their main QEMU),
 * then SIGTERM, then SIGKILL. Resolves when none is left.
 */
export async function terminate(
  handles: readonly ProcessHandle[],
  naturalMs: number,
  termGraceMs: number,
): Promise<void> {
  if (naturalMs > 0 && (await exitedWithin(handles, naturalMs))) return;
  for (const h of handles) h.kill('SIGTERM');
  if (await exitedWithin(handles, termGraceMs)) return;
  for (const h of handles) h.kill('SIGKILL');
  await Promise.all(handles.map((h) => h.exited));
}
