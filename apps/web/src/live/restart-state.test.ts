import { describe, expect, it } from 'vitest';
import { restartBlocked } from './restart-state.ts';

const running = { status: 'running', spares: { total: 4, left: 2 } } as const;
const rp1 = { name: 'rp1', role: 'remote', status: 'running' } as const;

describe('whether a remote process can be restarted now', () => {
  it('can while the VM runs and a spare channel is left', () => {
    expect(restartBlocked(running, rp1, false)).toBeNull();
    expect(
      restartBlocked({ ...running, status: 'degraded' }, { ...rp1, status: 'failed' }, false),
    ).toBeNull();
  });

  it('says why not', () => {
    expect(restartBlocked(running, { ...rp1, status: 'restarting' }, false)).toBe(
      'already restarting',
    );
    expect(restartBlocked(running, rp1, true)).toBe('already restarting');
    expect(restartBlocked(running, { ...rp1, status: 'starting' }, false)).toBe('still starting');
    expect(restartBlocked({ ...running, status: 'stopping' }, rp1, false)).toBe(
      'the VM is stopping',
    );
    expect(restartBlocked({ ...running, spares: { total: 4, left: 0 } }, rp1, false)).toMatch(
      /no spare channel left/,
    );
    expect(restartBlocked(running, undefined, false)).toMatch(/not in the running VM/);
    expect(restartBlocked(running, { ...rp1, role: 'main' }, false)).toMatch(/main QEMU/);
  });
});
