/**
 * The restart policy of a remote process as the document holds it and people read it; the decision
 * itself is the runtime's (apps/server/src/runtime/restart-policy.ts), one table for every front end.
 */
import type { RestartPolicy } from '../schema.ts';

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  mode: 'on-failure',
  maxRestarts: 3,
  windowSeconds: 60,
  backoffMs: 200,
};

/** The policy in words, for the plan and the CLI: "on failure, at most 3 restarts in 60 s". */
export function describeRestartPolicy(policy: RestartPolicy): string {
  if (policy.mode === 'never') return 'never restarted';
  const reset =
    policy.resetGuest === true ? '; the guest is reset if it holds the dead device' : '';
  return `restarted on failure, at most ${policy.maxRestarts} time${policy.maxRestarts === 1 ? '' : 's'} in ${policy.windowSeconds} s (backoff from ${policy.backoffMs} ms)${reset}`;
}
