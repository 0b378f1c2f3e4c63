import { DEFAULT_RESTART_POLICY, VM_NODE_ID, type ProcessInfo, type RunInfo } from '@mpqemu/shared';
import { describe, expect, it } from 'vitest';
import { emptyTopology } from '../designer/doc/defaults.ts';
import { liveRunOf, nodeLiveStates } from './live-run.ts';

function proc(name: string, devices: string[], status: ProcessInfo['status'], pid: number) {
  return {
    name,
    role: name === 'main' ? 'main' : 'remote',
    status,
    pid,
    exitCode: null,
    signal: null,
    devices,
    error: null,
    startedAt: 1,
    endedAt: null,
    logDropped: 0,
    restarts: name === 'rp0' ? 2 : 0,
    pciSlot: null,
    jail: { confined: true, unconfinedBecause: null, networkBecause: null, observed: null },
    policyRestarts: [],
    restartBy: null,
    notRestarted: null,
  } satisfies ProcessInfo;
}

function run(id: string, over: Partial<RunInfo> = {}): RunInfo {
  return {
    id,
    topologyName: 'rich',
    vmName: 'demo',
    status: 'running',
    createdAt: 1,
    endedAt: null,
    steps: [],
    processes: [],
    reason: null,
    culprit: null,
    culpritLog: [],
    problems: [],
    topology: emptyTopology(),
    spares: { total: 4, left: 4 },
    ...over,
  };
}

describe('liveRunOf', () => {
  it('finds the newest run of a saved document that has not ended', () => {
    const runs = {
      a: run('a', { createdAt: 1 }),
      b: run('b', { createdAt: 3, status: 'stopped' }),
      c: run('c', { createdAt: 2, status: 'degraded' }),
      d: run('d', { createdAt: 4, topologyName: 'other' }),
    };
    expect(liveRunOf(runs, { name: 'rich', vmName: 'demo' })?.id).toBe('c');
  });

  it('matches a document never saved by its VM name among runs started without a name', () => {
    const runs = {
      a: run('a', { topologyName: 'rich', vmName: 'x' }),
      b: run('b', { topologyName: null, vmName: 'x' }),
    };
    expect(liveRunOf(runs, { name: null, vmName: 'x' })?.id).toBe('b');
    expect(liveRunOf(runs, { name: null, vmName: 'y' })).toBeNull();
  });

  it('is null once every run of the document has ended', () => {
    const runs = { a: run('a', { status: 'failed' }), b: run('b', { status: 'stopped' }) };
    expect(liveRunOf(runs, { name: 'rich', vmName: 'demo' })).toBeNull();
  });
});

describe('nodeLiveStates', () => {
  it('gives containers and their devices the state of the process that emulates them', () => {
    const states = nodeLiveStates(
      run('a', {
        processes: [proc('rp0', ['lsi0'], 'failed', 41), proc('main', ['net0'], 'running', 40)],
      }),
      0,
    );
    expect(states.get('rp0')).toMatchObject({
      status: 'failed',
      pid: 41,
      role: 'remote',
      restarts: 2,
    });
    expect(states.get('lsi0')).toMatchObject({ process: 'rp0', status: 'failed' });
    expect(states.get(VM_NODE_ID)).toMatchObject({ process: 'main', pid: 40 });
    expect(states.get('net0')).toMatchObject({ process: 'main', status: 'running' });
    expect(states.has('main')).toBe(false);
  });

  it('says which restart of its budget is under way, and what is left', () => {
    const now = 100_000;
    const restarting = {
      ...proc('rp0', ['lsi0'], 'restarting', 41),
      policyRestarts: [now - 70_000, now - 5_000, now],
      restartBy: 'policy' as const,
    };
    const topology = {
      ...emptyTopology(),
      processes: [{ id: 'rp0', label: '', restart: DEFAULT_RESTART_POLICY }],
    };
    const states = nodeLiveStates(run('a', { topology, processes: [restarting] }), now);
    expect(states.get('lsi0')).toMatchObject({
      text: 'restarting (2 of 3 in 60 s)',
      budget: '1 of 3 restarts left in 60 s',
      left: 1,
    });
  });
});
