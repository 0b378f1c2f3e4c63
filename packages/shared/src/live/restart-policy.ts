/**
 * The restart policy of a remote process, decided the same way by the server, `mpqemu up` and the
 * exported launcher: whether a process that died while the VM ran is replaced, and after how long.
 */
import type { RestartPolicy } from '../schema.ts';

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  mode: 'on-failure',
  maxRestarts: 3,
  windowSeconds: 60,
  backoffMs: 200,
};

export type RestartDecision =
  { restart: true; delayMs: number } | { restart: false; reason: string };

/**
 * What to do about a remote process that died while the VM ran. `history` holds the times (ms)
 * of its restarts so far; only those within the policy's window count. The backoff doubles with
 * each restart in the window, so a device that crashes on every plug does not spin.
 */
export function decideRestart(
  policy: RestartPolicy,
  history: readonly number[],
  now: number,
): RestartDecision {
  if (policy.mode === 'never') return { restart: false, reason: 'its restart policy is "never"' };
  const windowMs = policy.windowSeconds * 1000;
  const recent = history.filter((t) => now - t < windowMs).length;
  if (recent >= policy.maxRestarts) {
    return {
      restart: false,
      reason: `it was already restarted ${recent} time${recent === 1 ? '' : 's'} within ${policy.windowSeconds} s (the policy allows ${policy.maxRestarts})`,
    };
  }
  return { restart: true, delayMs: policy.backoffMs * 2 ** recent };
}

/** The policy in words, for the plan and the CLI: "on failure, at most 3 restarts in 60 s". */
export function describeRestartPolicy(policy: RestartPolicy): string {
  if (policy.mode === 'never') return 'never restarted';
  return `restarted on failure, at most ${policy.maxRestarts} time${policy.maxRestarts === 1 ? '' : 's'} in ${policy.windowSeconds} s (backoff from ${policy.backoffMs} ms)`;
}
