/**
 * Whether a device process that ended is restarted: one table, used by the server, `mpqemu up`
 * and the exported launcher alike (docs/live.md shows it; a test holds the two together).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RestartPolicy } from '@mpqemu/shared';
import type { ExitStatus } from './qemu-process.ts';

/** How a device process ended, as far as the restart policy cares. */
export type EndCause =
  /** Killed by a signal (SIGKILL, SIGSEGV, …). */
  | 'signal'
  /** Exited with a non-zero status. */
  | 'exit-nonzero'
  /**
   * Exited with status 0 while its proxy was plugged: QEMU does that on SIGTERM/SIGINT/SIGHUP
   * from someone else. The guest lost the device all the same.
   */
  | 'exit-zero'
  /**
   * Its monitor stopped answering (SIGSTOP, a deadlock): the liveness watch killed it with
   * SIGKILL, because the main QEMU waits on it holding its global lock and the guest is frozen.
   */
  | 'hung'
  /** We ended it: a stop, a hot-remove or a restart the user asked for. */
  | 'asked'
  /** The main QEMU is gone: its device processes follow it (measured: exit 0 by themselves). */
  | 'main-gone';

/** The behaviour table: which causes go to the policy, and why the others never restart. */
export const RESTART_TABLE: Record<EndCause, { policy: boolean; because: string }> = {
  signal: { policy: true, because: 'a crash: the guest lost the device' },
  'exit-nonzero': { policy: true, because: 'a failure: the guest lost the device' },
  'exit-zero': {
    policy: true,
    because: 'someone else stopped it (SIGTERM): the guest lost the device all the same',
  },
  hung: {
    policy: true,
    because: 'it stopped answering QMP and was killed: treated like a crash',
  },
  asked: { policy: false, because: 'it was stopped on purpose (stop, hot-remove or restart)' },
  'main-gone': { policy: false, because: 'the main QEMU is gone, and the VM with it' },
};

/**
 * The cause of an end that nobody asked for, from its exit status; `hung` when the liveness watch
 * killed it (its SIGKILL is ours, the fault is the hang).
 */
export function causeOf(exit: ExitStatus, hung = false): EndCause {
  if (hung) return 'hung';
  if (exit.signal !== null) return 'signal';
  return exit.code === 0 ? 'exit-zero' : 'exit-nonzero';
}

export type RestartDecision =
  { restart: true; delayMs: number; attempt: number } | { restart: false; reason: string };

/**
 * What to do about a device process that ended. `history` holds the times (ms) of its restarts
 * so far; only those within the policy's window count. The first restart in the window happens
 * at once (a crash seldom repeats at once, and the guest waits on the device meanwhile); the
 * backoff applies from the second on and doubles, so a device that crashes on every plug does
 * not spin.
 */
export function decideRestart(
  cause: EndCause,
  policy: RestartPolicy | null,
  history: readonly number[],
  now: number,
): RestartDecision {
  const row = RESTART_TABLE[cause];
  if (!row.policy) return { restart: false, reason: row.because };
  if (policy === null || policy.mode === 'never') {
    return { restart: false, reason: 'its restart policy is "never"' };
  }
  const windowMs = policy.windowSeconds * 1000;
  const recent = history.filter((t) => now - t < windowMs).length;
  if (recent >= policy.maxRestarts) {
    return {
      restart: false,
      reason: `it was already restarted ${recent} time${recent === 1 ? '' : 's'} within ${policy.windowSeconds} s (the policy allows ${policy.maxRestarts})`,
    };
  }
  const delayMs = recent === 0 ? 0 : policy.backoffMs * 2 ** (recent - 1);
  return { restart: true, delayMs, attempt: recent + 1 };
}

/** "now" or "in 400 ms", for the message that announces a restart. */
export function describeDelay(delayMs: number): string {
  return delayMs === 0 ? 'now' : `in ${delayMs} ms`;
}

/**
 * Restarts made per process and which processes have a change under way: the supervisor's state,
 * the same for the server's runs and the exported launcher.
 */
export class RestartBook {
  private readonly times = new Map<string, number[]>();
  private readonly busy = new Set<string>();

  history(name: string): readonly number[] {
    return this.times.get(name) ?? [];
  }

  isBusy(name: string): boolean {
    return this.busy.has(name);
  }

  /**
   * What to do about process `name`, which ended by `cause` while nobody was changing it: the
   * table and `policy` decide, then the spare channels left (a restart needs one). An accepted
   * restart is recorded. Null while a change of `name` is under way (its end is that change's).
   */
  decide(
    name: string,
    cause: EndCause,
    policy: RestartPolicy | null,
    sparesLeft: number,
    now = Date.now(),
  ): RestartDecision | null {
    if (this.isBusy(name)) return null;
    const decision = decideRestart(cause, policy, this.history(name), now);
    if (!decision.restart) return decision;
    if (sparesLeft === 0) {
      return { restart: false, reason: 'no spare channel is left (restart the VM for new ones)' };
    }
    this.times.set(name, [...this.history(name), now]);
    return decision;
  }

  /**
   * Runs `work` after `delayMs` with `name` marked busy; a `signal` that aborts first (the VM
   * stops) skips it. Never rejects: `work` reports its own failure.
   */
  schedule(name: string, delayMs: number, signal: AbortSignal, work: () => Promise<void>): void {
    void this.with(name, async () => {
      if (delayMs > 0) await sleep(delayMs, undefined, { signal });
      if (!signal.aborted) await work();
    }).catch(() => undefined);
  }

  /** Runs `work` with `name` marked busy: one change per process at a time. */
  async with<T>(name: string, work: () => Promise<T>): Promise<T> {
    this.busy.add(name);
    try {
      return await work();
    } finally {
      this.busy.delete(name);
    }
  }
}
