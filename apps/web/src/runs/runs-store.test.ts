import type { RunInfo } from '@mpqemu/shared';
import { describe, expect, it } from 'vitest';
import { emptyTopology } from '../designer/doc/defaults.ts';
import { createRunsStore, sortRuns } from './runs-store.ts';

function run(id: string, createdAt: number, status: RunInfo['status']): RunInfo {
  return {
    id,
    topologyName: null,
    vmName: id,
    status,
    createdAt,
    endedAt: null,
    steps: [],
    processes: [],
    reason: null,
    culprit: null,
    culpritLog: [],
    problems: [],
    topology: emptyTopology(),
    spares: { total: 0, left: 0 },
  };
}

describe('runs store', () => {
  it('selects the newest active run from the first list', () => {
    const store = createRunsStore();
    store
      .getState()
      .replaceAll([run('a', 1, 'running'), run('b', 3, 'stopped'), run('c', 2, 'degraded')]);
    expect(store.getState().selectedId).toBe('c');
    expect(sortRuns(store.getState().runs).map((r) => r.id)).toEqual(['b', 'c', 'a']);
  });

  it('replaces a run by its latest snapshot and keeps the user choice', () => {
    const store = createRunsStore();
    store.getState().upsert(run('a', 1, 'starting'));
    store.getState().upsert(run('b', 2, 'starting'));
    store.getState().select('b');
    store.getState().upsert(run('a', 1, 'running'));
    expect(store.getState().runs.a?.status).toBe('running');
    expect(store.getState().selectedId).toBe('b');
  });
});

describe('a start from this page', () => {
  it('selects the new run and counts the start', () => {
    const store = createRunsStore();
    store.getState().upsert(run('old', 1, 'running'));
    store.getState().started(run('new', 2, 'starting'));
    expect(store.getState().selectedId).toBe('new');
    expect(store.getState().startedCount).toBe(1);
  });
});
