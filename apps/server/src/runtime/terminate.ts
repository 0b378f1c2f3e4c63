/** Ending processes in escalating steps, each bounded in time. */
import type { ExitStatus } from './qemu-process.ts';

/** What ending a process needs of it (QemuProcess, and the server's handles around one). */
export interface Killable {
  readonly alive: boolean;
  readonly exited: Promise<ExitStatus>;
  kill(signal: NodeJS.Signals): void;
}

/** A promise of `value` after `ms`, ended early (with `value`) by `signal`. */
function timeout<T>(ms: number, value: T, signal: AbortSignal): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(value), ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve(value);
      },
      { once: true },
    );
  });
}

/**
 * True when every process has exited within `ms`. `cutShort` (a force stop) ends the wait early,
 * with false unless they have all exited by then.
 */
export async function exitedWithin(
  processes: readonly Killable[],
  ms: number,
  cutShort?: AbortSignal,
): Promise<boolean> {
  const alive = processes.filter((p) => p.alive);
  if (alive.length === 0) return true;
  const over = new AbortController();
  const signal = cutShort ? AbortSignal.any([over.signal, cutShort]) : over.signal;
  const all = Promise.all(alive.map((p) => p.exited)).then(() => true);
  const result = await Promise.race([all, timeout(ms, false, signal)]);
  over.abort();
  return result || processes.every((p) => !p.alive);
}

/**
 * Waits `naturalMs` for the processes to exit by themselves (remotes follow their main QEMU),
 * then SIGTERM, then SIGKILL. Resolves when none is left. `cutShort` skips the rest of the
 * natural wait; the SIGTERM grace stays, so QEMU still gets to close its images.
 */
export async function terminate(
  processes: readonly Killable[],
  naturalMs: number,
  termGraceMs: number,
  cutShort?: AbortSignal,
): Promise<void> {
  if (naturalMs > 0 && (await exitedWithin(processes, naturalMs, cutShort))) return;
  for (const p of processes) p.kill('SIGTERM');
  if (await exitedWithin(processes, termGraceMs)) return;
  for (const p of processes) p.kill('SIGKILL');
  await Promise.all(processes.map((p) => p.exited));
}
