import { describe, expect, it } from 'vitest';
import { decideRestart, DEFAULT_RESTART_POLICY } from './restart-policy.ts';

describe('decideRestart', () => {
  it('restarts under the default policy with a doubling backoff, up to 3 times in 60 s', () => {
    const now = 100_000;
    expect(decideRestart(DEFAULT_RESTART_POLICY, [], now)).toEqual({ restart: true, delayMs: 200 });
    expect(decideRestart(DEFAULT_RESTART_POLICY, [now - 1000], now)).toEqual({
      restart: true,
      delayMs: 400,
    });
    expect(
      decideRestart(DEFAULT_RESTART_POLICY, [now - 3000, now - 2000, now - 1000], now),
    ).toEqual({
      restart: false,
      reason: 'it was already restarted 3 times within 60 s (the policy allows 3)',
    });
  });

  it('forgets restarts older than the window', () => {
    const now = 200_000;
    const old = [now - 61_000, now - 62_000, now - 63_000];
    expect(decideRestart(DEFAULT_RESTART_POLICY, old, now)).toEqual({
      restart: true,
      delayMs: 200,
    });
  });

  it('never restarts under "never"', () => {
    expect(decideRestart({ mode: 'never' }, [], 0)).toEqual({
      restart: false,
      reason: 'its restart policy is "never"',
    });
  });
});
