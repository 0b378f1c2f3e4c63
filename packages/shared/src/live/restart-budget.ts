/**
 * What a person reads about a device process's restarts while its VM runs: the budget its policy
 * has left and its state in words ("restarting (2 of 3 in 60 s)", "hung: no answer for 2.0 s").
 * The same words on the canvas node and in the run panel.
 */
import type { ProcessInfo } from '../runs.ts';
import type { RestartPolicy } from '../schema.ts';

export interface RestartBudget {
  /** Restarts by the policy within its window, the one under way included. */
  used: number;
  max: number;
  windowSeconds: number;
  left: number;
}

/**
 * The budget of `policy` after the restarts at `times` (ms), at `now`; null when the policy never
 * restarts (or there is none: the main QEMU).
 */
export function restartBudget(
  policy: RestartPolicy | null | undefined,
  times: readonly number[],
  now: number,
): RestartBudget | null {
  if (!policy || policy.mode === 'never') return null;
  const windowMs = policy.windowSeconds * 1000;
  const used = times.filter((t) => now - t < windowMs).length;
  const max = policy.maxRestarts;
  return { used, max, windowSeconds: policy.windowSeconds, left: Math.max(0, max - used) };
}

/** "2 of 3 restarts left in 60 s", "no restart left (3 in 60 s used)", "never restarted". */
export function describeBudget(budget: RestartBudget | null): string {
  if (budget === null) return 'never restarted by itself';
  const window = `in ${budget.windowSeconds} s`;
  if (budget.left === 0) return `no restart left (${budget.max} ${window} used)`;
  return `${budget.left} of ${budget.max} restart${budget.max === 1 ? '' : 's'} left ${window}`;
}

/**
 * The state of a process in words: `restarting (2 of 3 in 60 s)` for its policy's second restart
 * of three, `restarting (asked by you)`, the hang as the server measured it, and a failure with
 * the reason its policy gave for not restarting it.
 */
export function describeProcessState(
  p: Pick<ProcessInfo, 'status' | 'error' | 'restartBy' | 'notRestarted'>,
  budget: RestartBudget | null,
): string {
  switch (p.status) {
    case 'restarting':
      if (p.restartBy === 'user') return 'restarting (asked by you)';
      return budget
        ? `restarting (${budget.used} of ${budget.max} in ${budget.windowSeconds} s)`
        : 'restarting';
    case 'hung':
      return p.error ?? 'hung';
    case 'failed':
      return p.notRestarted === null ? 'failed' : `failed; not restarted: ${p.notRestarted}`;
    default:
      return p.status;
  }
}
