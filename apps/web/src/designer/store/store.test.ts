import { readFileSync } from 'node:fs';
import { loadTopologyText, resolveDocumentPaths, type Topology } from '@mpqemu/shared';
import type { NodeChange } from '@xyflow/react';
import { describe, expect, it } from 'vitest';
import type { DesignerNode } from '../canvas/types.ts';
import { absolutePosition } from '../doc/frames.ts';
import { deleteSelection, duplicateSelection } from './commands.ts';
import { dropPaletteItem, endDrag } from './gestures.ts';
import { createDesignerStore, isDirty } from './store.ts';

function rich(): Topology {
  const dir = new URL('../../../../../examples/', import.meta.url);
  const text = readFileSync(new URL('rich.json', dir), 'utf8');
  const loaded = loadTopologyText(text);
  if (!loaded.ok) throw new Error('bad example');
  return resolveDocumentPaths(loaded.topology, dir.pathname);
}

function setup() {
  const store = createDesignerStore({ topology: rich(), name: 'rich' });
  return { store, history: () => store.temporal.getState() };
}

/** What React Flow sends while a node is dragged: a position change per pointer move. */
function dragFrames(
  store: ReturnType<typeof setup>['store'],
  id: string,
  dx: number,
  dy: number,
  frames = 10,
) {
  const start = store.getState().nodes.find((n) => n.id === id)!.position;
  for (let i = 1; i <= frames; i++) {
    const change: NodeChange<DesignerNode> = {
      type: 'position',
      id,
      position: { x: start.x + (dx * i) / frames, y: start.y + (dy * i) / frames },
      dragging: i < frames,
    };
    store.getState().onNodesChange([change]);
  }
  return store.getState().nodes.find((n) => n.id === id)!;
}

describe('designer store', () => {
  it('fills in a layout for documents without one and starts clean', () => {
    const { store, history } = setup();
    expect(Object.keys(store.getState().topology.layout)).toContain('lsi0');
    expect(isDirty(store.getState())).toBe(false);
    expect(history().pastStates).toHaveLength(0);
  });

  it('makes a drag one undo step, at drag end', () => {
    const { store, history } = setup();
    const before = store.getState().topology.layout.rp0;
    const node = dragFrames(store, 'rp0', 120, 40);
    expect(history().pastStates).toHaveLength(0);
    expect(store.getState().topology.layout.rp0).toEqual(before);
    endDrag(store, [node], 'rp0', { x: 0, y: 0 });
    expect(history().pastStates).toHaveLength(1);
    expect(store.getState().topology.layout.rp0).toEqual({ x: before!.x + 120, y: before!.y + 40 });
    expect(isDirty(store.getState())).toBe(true);
    store.getState().undo();
    expect(store.getState().topology.layout.rp0).toEqual(before);
    expect(store.getState().nodes.find((n) => n.id === 'rp0')?.position).toEqual(before);
    expect(isDirty(store.getState())).toBe(false);
    store.getState().redo();
    expect(store.getState().topology.layout.rp0).toEqual({ x: before!.x + 120, y: before!.y + 40 });
  });

  it('keeps selection out of the history and merges typing in one field', () => {
    const { store, history } = setup();
    store.getState().select(['lsi0']);
    expect(history().pastStates).toHaveLength(0);
    for (const name of ['r', 'ri', 'ric', 'rich2']) {
      store.getState().edit((t) => ({ ...t, vm: { ...t.vm, name } }), 'vm.name');
    }
    expect(history().pastStates).toHaveLength(1);
    store.getState().undo();
    expect(store.getState().topology.vm.name).toBe('rich');
  });

  it('drops a palette device on the canvas into a new remote process, and a second one into it makes an error', () => {
    const { store } = setup();
    dropPaletteItem(store, { kind: 'device', model: 'pci-testdev' }, { x: -2000, y: -2000 });
    const t = store.getState().topology;
    const dev = t.devices.find((d) => d.id === 'testdev0')!;
    expect(dev.placement.kind).toBe('remote');
    const proc = dev.placement.kind === 'remote' ? dev.placement.process : '';
    expect(store.getState().nodes.find((n) => n.id === 'testdev0')?.selected).toBe(true);
    // A second device dropped onto that process: QEMU 7.2 allows one per process.
    const inside = absolutePosition(t, 'testdev0');
    dropPaletteItem(
      store,
      { kind: 'device', model: 'e1000e' },
      { x: inside.x + 10, y: inside.y + 10 },
    );
    const problem = store.getState().problems.find((p) => p.code === 'remote.multiple-devices');
    expect(problem?.nodeIds).toEqual([proc, 'testdev0', 'nic1']);
    // Dragged out onto empty canvas: it gets its own process and the error is gone.
    const nic = dragFrames(store, 'nic1', -3000, 0);
    endDrag(store, [nic], 'nic1', { x: -5000, y: -1900 });
    const after = store.getState();
    expect(after.problems.some((p) => p.code === 'remote.multiple-devices')).toBe(false);
    const moved = after.topology.devices.find((d) => d.id === 'nic1')!;
    expect(moved.placement).toEqual({ kind: 'remote', process: 'rp4' });
  });

  it('attaches a dropped drive to the controller under it with the next free SCSI id', () => {
    const { store } = setup();
    const at = absolutePosition(store.getState().topology, 'lsi0');
    dropPaletteItem(store, { kind: 'drive', model: 'scsi-hd' }, { x: at.x + 30, y: at.y + 30 });
    const drive = store.getState().topology.drives.find((d) => d.id === 'disk2');
    expect(drive).toMatchObject({ attachedTo: 'lsi0', scsiId: 1, lun: 0 });
    expect(store.getState().edges.find((e) => e.target === 'disk2')?.data?.label).toBe(
      'lsi0.0 · id 1',
    );
  });

  it('refuses to proxy a model the catalogue marks unsupported', () => {
    const { store } = setup();
    const at = absolutePosition(store.getState().topology, 'rp0');
    dropPaletteItem(store, { kind: 'device', model: 'nvme' }, { x: at.x + 10, y: at.y + 10 });
    expect(store.getState().topology.devices.some((d) => d.model === 'nvme')).toBe(false);
    expect(store.getState().notice?.text).toMatch(/nvme cannot run in a remote process/);
  });

  it('deletes and duplicates the selection, one undo step each', () => {
    const { store, history } = setup();
    store.getState().select(['rp1']);
    duplicateSelection(store);
    expect(store.getState().topology.processes).toHaveLength(4);
    store.getState().select(['rp0']);
    deleteSelection(store);
    expect(store.getState().topology.devices.some((d) => d.id === 'lsi0')).toBe(false);
    expect(history().pastStates).toHaveLength(2);
    store.getState().undo();
    expect(store.getState().topology.devices.some((d) => d.id === 'lsi0')).toBe(true);
  });
});
