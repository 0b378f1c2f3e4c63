import { describe, expect, it } from 'vitest';
import { DEFAULT_RESTART_POLICY } from './restart-policy.ts';
import { describeBudget, describeProcessState, restartBudget } from './restart-budget.ts';

const now = 100_000;
const base = { status: 'running', error: null, restartBy: null, notRestarted: null } as const;

describe('restart budget and state in words', () => {
  it('counts only the restarts within the window', () => {
    const budget = restartBudget(DEFAULT_RESTART_POLICY, [now - 61_000, now - 5_000], now);
    expect(budget).toEqual({ used: 1, max: 3, windowSeconds: 60, left: 2 });
    expect(describeBudget(budget)).toBe('2 of 3 restarts left in 60 s');
    const spent = restartBudget(DEFAULT_RESTART_POLICY, [now - 3, now - 2, now - 1], now);
    expect(describeBudget(spent)).toBe('no restart left (3 in 60 s used)');
    expect(restartBudget({ mode: 'never' }, [], now)).toBe(null);
    expect(describeBudget(null)).toBe('never restarted by itself');
  });

  it('says which restart of the budget is under way, and who asked for it', () => {
    const budget = restartBudget(DEFAULT_RESTART_POLICY, [now - 9_000, now], now);
    const restarting = { ...base, status: 'restarting' } as const;
    expect(describeProcessState({ ...restarting, restartBy: 'policy' }, budget)).toBe(
      'restarting (2 of 3 in 60 s)',
    );
    expect(describeProcessState({ ...restarting, restartBy: 'user' }, budget)).toBe(
      'restarting (asked by you)',
    );
  });

  it('gives the hang and the refusal word for word', () => {
    expect(
      describeProcessState({ ...base, status: 'hung', error: 'hung: no answer for 2.0 s' }, null),
    ).toBe('hung: no answer for 2.0 s');
    const refused = 'it was already restarted 3 times within 60 s (the policy allows 3)';
    expect(describeProcessState({ ...base, status: 'failed', notRestarted: refused }, null)).toBe(
      `failed; not restarted: ${refused}`,
    );
    expect(describeProcessState(base, null)).toBe('running');
  });
});
