import { describe, expect, it } from 'vitest';
import { qmpBlockedReason, qmpOperationsFor } from '../src/index.ts';

const rp0 = { name: 'rp0', role: 'remote', status: 'running', devices: ['lsi0'] } as const;
const main = { name: 'main', role: 'main', status: 'running', devices: [] } as const;

describe('QMP access rule', () => {
  it('offers the guest actions on the main QEMU only', () => {
    expect(qmpOperationsFor('main')).toContain('system_reset');
    expect(qmpOperationsFor('main')).toContain('system_powerdown');
    expect(qmpOperationsFor('remote')).toEqual([
      'query-status',
      'query-pci',
      'query-named-block-nodes',
      'query-block',
    ]);
  });

  it('is open on a running process of a running or degraded run only', () => {
    expect(qmpBlockedReason('running', rp0)).toBeNull();
    expect(qmpBlockedReason('degraded', rp0)).toBeNull();
    expect(qmpBlockedReason('stopping', rp0)).toEqual({
      code: 'unavailable',
      message: 'The run is stopping; QMP needs a running VM.',
    });
    expect(qmpBlockedReason('starting', main)?.code).toBe('unavailable');
    expect(qmpBlockedReason('degraded', { ...rp0, status: 'exited' })).toEqual({
      code: 'unavailable',
      message: 'rp0 is exited.',
    });
  });

  it('never allows a VM-wide action on a remote process, whatever the run state', () => {
    for (const status of ['running', 'stopped'] as const) {
      expect(qmpBlockedReason(status, rp0, 'system_reset')).toEqual({
        code: 'not-allowed',
        message:
          'system_reset acts on the whole VM and is only available on the main QEMU; rp0 is a remote process (it emulates lsi0)',
      });
    }
    expect(qmpBlockedReason('running', main, 'system_reset')).toBeNull();
    expect(qmpBlockedReason('running', rp0, 'query-pci')).toBeNull();
  });
});
