import { describe, expect, it } from 'vitest';
import { restartRefusal } from './restart-refusal.ts';

const running = { status: 'running', spares: { total: 4, left: 2 } } as const;
const rp1 = { role: 'remote', status: 'running' } as const;

describe('restartRefusal', () => {
  it('lets a running or failed remote process of a live VM with a spare channel restart', () => {
    expect(restartRefusal(running, rp1, false)).toBeNull();
    expect(
      restartRefusal({ ...running, status: 'degraded' }, { ...rp1, status: 'failed' }, false),
    ).toBeNull();
    expect(restartRefusal(running, { ...rp1, status: 'exited' }, false)).toBeNull();
  });

  it('names each reason', () => {
    expect(restartRefusal(running, undefined, false)).toEqual({ code: 'unknown-process' });
    expect(restartRefusal(running, { role: 'main', status: 'running' }, false)).toEqual({
      code: 'main-process',
    });
    expect(restartRefusal(running, rp1, true)).toEqual({ code: 'restarting' });
    expect(restartRefusal(running, { ...rp1, status: 'restarting' }, false)).toEqual({
      code: 'restarting',
    });
    expect(restartRefusal(running, { ...rp1, status: 'starting' }, false)).toEqual({
      code: 'starting',
    });
    expect(restartRefusal({ ...running, status: 'stopping' }, rp1, false)).toEqual({
      code: 'vm-not-live',
      status: 'stopping',
    });
    expect(restartRefusal({ ...running, spares: { total: 0, left: 0 } }, rp1, false)).toEqual({
      code: 'no-spare-channels',
    });
    expect(restartRefusal({ ...running, spares: { total: 4, left: 0 } }, rp1, false)).toEqual({
      code: 'spares-used-up',
      total: 4,
    });
  });

  it('asks about the process before the VM, and about the VM before its channels', () => {
    const stopping = { status: 'stopping', spares: { total: 0, left: 0 } } as const;
    expect(restartRefusal(stopping, { role: 'main', status: 'running' }, false)?.code).toBe(
      'main-process',
    );
    expect(restartRefusal(stopping, rp1, true)?.code).toBe('restarting');
    expect(restartRefusal(stopping, rp1, false)?.code).toBe('vm-not-live');
    expect(restartRefusal({ ...running, spares: { total: 0, left: 0 } }, rp1, false)?.code).toBe(
      'no-spare-channels',
    );
  });
});
