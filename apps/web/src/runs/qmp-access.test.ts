import type { ProcessInfo } from '@mpqemu/shared';
import { describe, expect, it } from 'vitest';
import { operationsFor, qmpBlockedReason, remoteOfDevice } from './qmp-access.ts';

function proc(name: string, role: ProcessInfo['role'], devices: string[]): ProcessInfo {
  return {
    name,
    role,
    status: 'running',
    pid: 1,
    exitCode: null,
    signal: null,
    devices,
    error: null,
    startedAt: 0,
    endedAt: null,
    logDropped: 0,
    restarts: 0,
    pciSlot: null,
  };
}

describe('QMP access', () => {
  it('offers the guest actions on the main QEMU only', () => {
    expect(operationsFor('main')).toContain('system_reset');
    expect(operationsFor('main')).toContain('system_powerdown');
    expect(operationsFor('remote')).toEqual([
      'query-status',
      'query-pci',
      'query-named-block-nodes',
      'query-block',
    ]);
  });

  it('is open on a running process of a running or degraded run only', () => {
    const p = { name: 'rp0', status: 'running' as const };
    expect(qmpBlockedReason('running', p)).toBeNull();
    expect(qmpBlockedReason('degraded', p)).toBeNull();
    expect(qmpBlockedReason('stopping', p)).toBe('The run is stopping; QMP needs a running VM.');
    expect(qmpBlockedReason('starting', p)).not.toBeNull();
    expect(qmpBlockedReason('degraded', { name: 'rp0', status: 'exited' })).toBe('rp0 is exited.');
  });

  it('maps each proxied device to the remote process that emulates it', () => {
    const map = remoteOfDevice([
      proc('rp0', 'remote', ['lsi0']),
      proc('rp1', 'remote', ['nic0']),
      proc('main', 'main', ['net1']),
    ]);
    expect(Object.fromEntries(map)).toEqual({ lsi0: 'rp0', nic0: 'rp1' });
  });
});
