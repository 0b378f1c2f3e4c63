/**
 * Liveness of a device process. QEMU raises no event when a remote process hangs (SIGSTOP, a
 * deadlock), and the main QEMU then waits on the dead channel holding its global lock: the guest
 * freezes and every process still looks alive. The one sign is a monitor that no longer answers,
 * so each running remote is asked `query-status` every interval; a ping still unanswered when the
 * next one is due makes the process hung, which is noticed within two intervals of the hang. A
 * hung process is killed (SIGKILL works on a stopped process, and frees the main QEMU at once);
 * its exit then goes to the restart policy like a crash (RESTART_TABLE's `hung`).
 */
import type { Member } from './live.ts';

/** The default interval between two pings of a device process's monitor. */
export const DEFAULT_LIVENESS_INTERVAL_MS = 1000;

/** "2.0 s": how long a process has not answered, as the node and the steps say it. */
export function describeSilence(silentMs: number): string {
  return `${(silentMs / 1000).toFixed(1)} s`;
}

/**
 * Pings `member`'s QMP every `intervalMs` until it exits, is retired, or `signal` aborts. On a
 * hang it sets `member.hungMs`, calls `onHung` (to report it) and kills the process with SIGKILL.
 * Returns a function that ends the watch.
 */
export function watchLiveness(
  member: Member,
  intervalMs: number,
  signal: AbortSignal,
  onHung: (silentMs: number) => void,
): () => void {
  // When the last answered ping was sent: the process was alive at that moment at least.
  let answeredSentAt = Date.now();
  let pending = false;
  const stop = (): void => {
    clearInterval(timer);
    signal.removeEventListener('abort', stop);
  };
  const timer = setInterval(() => {
    const qmp = member.qmp;
    if (signal.aborted || member.retired || !member.proc.alive || !qmp || qmp.closed) {
      stop();
      return;
    }
    if (pending) {
      stop();
      const silentMs = Date.now() - answeredSentAt;
      member.hungMs = silentMs;
      onHung(silentMs);
      member.proc.kill('SIGKILL');
      return;
    }
    pending = true;
    const sentAt = Date.now();
    // No timeout of its own: the next tick decides. A closed monitor (the process died) rejects,
    // and its exit is handled elsewhere.
    qmp.execute('query-status', undefined, 3_600_000).then(
      () => {
        pending = false;
        answeredSentAt = sentAt;
      },
      () => undefined,
    );
  }, intervalMs);
  // A watch never keeps the server (or the launcher) alive by itself.
  timer.unref();
  signal.addEventListener('abort', stop, { once: true });
  return stop;
}
