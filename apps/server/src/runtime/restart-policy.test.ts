import { readFileSync } from 'node:fs';
import { DEFAULT_RESTART_POLICY } from '@mpqemu/shared';
import { describe, expect, it } from 'vitest';
import { causeOf, decideRestart, RESTART_TABLE, type EndCause } from './restart-policy.ts';

describe('decideRestart', () => {
  it('restarts at once the first time, then backs off doubling, up to 3 times in 60 s', () => {
    const now = 100_000;
    const d = (history: number[]) => decideRestart('signal', DEFAULT_RESTART_POLICY, history, now);
    expect(d([])).toEqual({ restart: true, delayMs: 0, attempt: 1 });
    expect(d([now - 1000])).toEqual({ restart: true, delayMs: 200, attempt: 2 });
    expect(d([now - 2000, now - 1000])).toEqual({ restart: true, delayMs: 400, attempt: 3 });
    expect(d([now - 3000, now - 2000, now - 1000])).toEqual({
      restart: false,
      reason: 'it was already restarted 3 times within 60 s (the policy allows 3)',
    });
  });

  it('forgets restarts older than the window', () => {
    const now = 200_000;
    const old = [now - 61_000, now - 62_000, now - 63_000];
    expect(decideRestart('signal', DEFAULT_RESTART_POLICY, old, now)).toMatchObject({
      restart: true,
      delayMs: 0,
    });
  });

  it('never restarts under "never", nor without a policy (the main QEMU)', () => {
    for (const policy of [{ mode: 'never' as const }, null]) {
      expect(decideRestart('signal', policy, [], 0)).toEqual({
        restart: false,
        reason: 'its restart policy is "never"',
      });
    }
  });

  it('classifies an end by its exit status: signal, non-zero, zero; a hang first', () => {
    expect(causeOf({ code: null, signal: 'SIGKILL', spawnError: null })).toBe('signal');
    expect(causeOf({ code: 1, signal: null, spawnError: null })).toBe('exit-nonzero');
    expect(causeOf({ code: 0, signal: null, spawnError: null })).toBe('exit-zero');
    // The liveness watch's own SIGKILL of a hung process: the fault is the hang.
    expect(causeOf({ code: null, signal: 'SIGKILL', spawnError: null }, true)).toBe('hung');
  });

  it('follows the behaviour table row by row, and docs/live.md shows the same table', () => {
    const doc = readFileSync(new URL('../../../../docs/live.md', import.meta.url), 'utf8');
    for (const [cause, row] of Object.entries(RESTART_TABLE) as [EndCause, { policy: boolean }][]) {
      const decision = decideRestart(cause, DEFAULT_RESTART_POLICY, [], 0);
      expect(decision.restart, cause).toBe(row.policy);
      // The doc's row: `| \`cause\` | restarted under the policy | … |` or `| … | never | … |`.
      const line = doc.split('\n').find((l) => l.startsWith(`| \`${cause}\``));
      expect(line, `docs/live.md has no row for ${cause}`).toBeDefined();
      expect(line).toContain(row.policy ? 'under the policy' : 'never');
    }
  });
});
