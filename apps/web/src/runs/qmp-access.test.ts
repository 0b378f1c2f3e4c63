import type { ProcessInfo } from '@mpqemu/shared';
import { describe, expect, it } from 'vitest';
import { remoteOfDevice } from './qmp-access.ts';

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
    jail: { confined: true, unconfinedBecause: null, networkBecause: null, observed: null },
    policyRestarts: [],
    restartBy: null,
    notRestarted: null,
  };
}

describe('QMP access', () => {
  it('maps each proxied device to the remote process that emulates it', () => {
    const map = remoteOfDevice([
      proc('rp0', 'remote', ['lsi0']),
      proc('rp1', 'remote', ['nic0']),
      proc('main', 'main', ['net1']),
    ]);
    expect(Object.fromEntries(map)).toEqual({ lsi0: 'rp0', nic0: 'rp1' });
  });
});
