import type { LiveDiff, Problem } from '@mpqemu/shared';
import { describe, expect, it } from 'vitest';
import {
  applyBlocked,
  applyLabel,
  applyMenuText,
  freshWarnings,
  offerText,
  pendingNodes,
} from './pending.ts';

const none: LiveDiff = { same: true, live: [], restart: [], sparesNeeded: 0 };
const add: LiveDiff = {
  same: false,
  live: [
    { kind: 'add-device', device: 'nic1', process: 'rp3', text: 'nic1 is started' },
    { kind: 'add-process', process: 'rp3', text: 'remote process rp3 added' },
  ],
  restart: [],
  sparesNeeded: 1,
};
const remove: LiveDiff = {
  same: false,
  live: [{ kind: 'remove-device', device: 'nic1', process: 'rp3', text: 'nic1 is unplugged' }],
  restart: [],
  sparesNeeded: 0,
};
const mixed: LiveDiff = {
  ...add,
  restart: [{ path: 'vm.cpus', nodeIds: ['$vm'], text: 'The vCPU count changed' }],
};

describe('pending live changes', () => {
  it('names the one device a drop would hot-add, and the one a delete would hot-remove', () => {
    expect(offerText(add)).toBe('Hot-add nic1 to the running VM?');
    expect(applyLabel(add)).toBe('Hot-add');
    expect(offerText(remove)).toBe('Hot-remove nic1 from the running VM?');
    expect(applyLabel(remove)).toBe('Hot-remove');
  });

  it('counts the changes when a restart is needed too', () => {
    expect(offerText(mixed)).toBe('3 changes to the running VM');
    expect(applyLabel(mixed)).toBe('Apply 2 live');
  });

  it('marks each node live or restart; restart wins', () => {
    expect([...pendingNodes(add)]).toEqual([
      ['nic1', 'live'],
      ['rp3', 'live'],
    ]);
    const both = pendingNodes({
      ...add,
      restart: [{ path: 'devices[3]', nodeIds: ['nic1'], text: 'in the main QEMU' }],
    });
    expect(both.get('nic1')).toBe('restart');
    expect(pendingNodes(none).size).toBe(0);
  });

  it('names the menu item after what it does', () => {
    expect(applyMenuText(remove)).toBe('Hot-remove nic1 from the running VM');
    expect(applyMenuText(add)).toBe('Hot-add nic1 to the running VM');
    expect(applyMenuText(mixed)).toBe('Apply 2 live changes');
    expect(applyMenuText({ ...remove, live: [...remove.live, ...remove.live] })).toBe(
      'Apply 2 live changes',
    );
  });

  it('blocks an apply on a change that needs a restart, or an error, and shows new warnings', () => {
    const warning: Problem = {
      code: 'w-new',
      severity: 'warning',
      path: 'vm',
      message: 'new',
      nodeIds: [],
    };
    const error: Problem = { ...warning, code: 'e', severity: 'error' };
    expect(applyBlocked(remove, [warning])).toBeNull();
    expect(applyBlocked(mixed, [])).toMatch(/need a VM restart/);
    expect(applyBlocked(remove, [error])).toMatch(/has errors/);
    const old = { ...warning, code: 'w-old' };
    expect(freshWarnings({ problems: [old] }, [old, warning, error])).toEqual([warning]);
  });
});
