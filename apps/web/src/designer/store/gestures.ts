/**
 * Canvas gestures as document changes: what a drop, a drag end or a drawn edge means for the
 * topology. Each gesture is one `edit`, hence one undo step.
 */
import {
  canAttach,
  proxyRefusal,
  VM_NODE_ID,
  type DriveModel,
  type Position,
  type Topology,
} from '@mpqemu/shared';
import { hitTest } from '../canvas/hit-test.ts';
import type { DesignerNode } from '../canvas/types.ts';
import { addDevice, addDrive, addProcess, type Added } from '../doc/add.ts';
import { attachDrive } from '../doc/attach.ts';
import {
  absolutePosition,
  clampIntoContainer,
  parentOf,
  relativePosition,
  toFrame,
} from '../doc/frames.ts';
import { freeCanvasSpot, freeSpot } from '../doc/free-spot.ts';
import { moveDevice } from '../doc/move.ts';
import { DEVICE_H, DEVICE_W, DRIVE_H, DRIVE_W, HEADER_H, PAD } from '../sizes.ts';
import type { DesignerStore } from './store.ts';

export type PaletteItem =
  { kind: 'process' } | { kind: 'device'; model: string } | { kind: 'drive'; model: DriveModel };

export const PALETTE_MIME = 'application/x-mpqemu-palette';

function commitAdded(store: DesignerStore, _t: Topology, added: Added | null) {
  if (!added) return;
  store.getState().edit(() => added.topology);
  store.getState().select([added.id]);
}

/** A palette item dropped at a canvas point. */
export function dropPaletteItem(store: DesignerStore, item: PaletteItem, point: Position): void {
  const { topology: t, notify } = store.getState();
  const hit = hitTest(t, point);
  if (item.kind === 'process') {
    commitAdded(store, t, addProcess(t, { x: point.x - 40, y: point.y - 20 }));
    return;
  }
  if (item.kind === 'drive') {
    const host = driveHost(t, item.model, hit.device, hit.container);
    const abs = { x: point.x - DRIVE_W / 2, y: point.y - DRIVE_H / 2 };
    commitAdded(store, t, addDrive(t, item.model, host, abs));
    return;
  }
  const centred = { x: point.x - DEVICE_W / 2, y: point.y - DEVICE_H / 2 };
  const refusal = proxyRefusal(item.model, store.getState().caps, t.vm.machine);
  if (hit.container === null) {
    if (refusal) {
      notify(`${refusal} It was placed in the main QEMU.`, 'error');
      commitAdded(store, t, addDevice(t, item.model, { kind: 'main' }, nextSpotInVm(t)));
      return;
    }
    const at = { x: centred.x - PAD, y: centred.y - HEADER_H - PAD };
    commitAdded(store, t, addDevice(t, item.model, { kind: 'new-process', at }));
    return;
  }
  const rel = freeSpot(
    t,
    hit.container,
    clampIntoContainer(toFrame(t, centred, hit.container)),
    DEVICE_W,
    DEVICE_H,
  );
  if (hit.container === VM_NODE_ID) {
    commitAdded(store, t, addDevice(t, item.model, { kind: 'main' }, rel));
    return;
  }
  if (refusal) {
    notify(refusal, 'error');
    return;
  }
  commitAdded(store, t, addDevice(t, item.model, { kind: 'remote', process: hit.container }, rel));
}

/** The device a new drive should hang off: the one under the pointer, or the only fit in a container. */
function driveHost(
  t: Topology,
  model: DriveModel,
  device: string | null,
  container: string | null,
): string | null {
  if (device !== null && canAttach(t, model, device)) return device;
  if (container === null) return null;
  return (
    t.devices.find((d) => parentOf(t, d.id) === container && canAttach(t, model, d.id))?.id ?? null
  );
}

/** A free spot in the VM, right of its devices. */
function nextSpotInVm(t: Topology): Position {
  const inVm = t.devices.filter((d) => d.placement.kind === 'main');
  const right = Math.max(0, ...inVm.map((d) => relativePosition(t, d.id).x + DEVICE_W));
  return { x: Math.max(PAD, right + 24), y: HEADER_H + PAD };
}

/**
 * A palette item activated by click or keyboard: it goes into the selected container or device
 * when that makes sense, otherwise somewhere free on the canvas.
 */
export function addPaletteItem(store: DesignerStore, item: PaletteItem): void {
  const { topology: t, nodes, notify } = store.getState();
  const selected = nodes.find((n) => n.selected)?.id ?? null;
  const free = freeCanvasSpot(t);
  if (item.kind === 'process') return commitAdded(store, t, addProcess(t, free));
  if (item.kind === 'drive') {
    const host = selected
      ? driveHost(t, item.model, selected, parentOf(t, selected) ?? selected)
      : null;
    return commitAdded(store, t, addDrive(t, item.model, host, free));
  }
  if (selected === VM_NODE_ID) {
    return commitAdded(store, t, addDevice(t, item.model, { kind: 'main' }, nextSpotInVm(t)));
  }
  const process = t.processes.find((p) => p.id === selected);
  const refusal = proxyRefusal(item.model, store.getState().caps, t.vm.machine);
  if (refusal) {
    notify(`${refusal} It was placed in the main QEMU.`, 'error');
    return commitAdded(store, t, addDevice(t, item.model, { kind: 'main' }, nextSpotInVm(t)));
  }
  if (process) {
    return commitAdded(store, t, addDevice(t, item.model, { kind: 'remote', process: process.id }));
  }
  commitAdded(store, t, addDevice(t, item.model, { kind: 'new-process', at: free }));
}

/**
 * The end of a drag. One node: it may change container (device), get attached or detached
 * (drive), or simply stay where it was dropped. Several nodes: positions only.
 */
export function endDrag(
  store: DesignerStore,
  dragged: readonly DesignerNode[],
  primary: string,
  point: Position,
): void {
  const { topology: t, notify, edit, refreshView, setDropTarget } = store.getState();
  setDropTarget(null);
  const current = new Map(store.getState().nodes.map((n) => [n.id, n]));
  const positionOf = (id: string) =>
    current.get(id)?.position ?? dragged.find((n) => n.id === id)?.position;
  const node = dragged.length === 1 ? dragged[0] : undefined;
  if (node && node.id === primary && (node.type === 'device' || node.type === 'drive')) {
    const rel = positionOf(node.id) ?? node.position;
    const parent = parentOf(t, node.id);
    const base = parent === null ? { x: 0, y: 0 } : absolutePosition(t, parent);
    const abs = { x: base.x + rel.x, y: base.y + rel.y };
    const next =
      node.type === 'device'
        ? dropDevice(t, node.id, abs, point, notify)
        : dropDrive(t, node.id, abs, point);
    if (next) edit(() => next);
    else refreshView();
    return;
  }
  const layout: Record<string, Position> = {};
  for (const n of dragged) {
    const p = positionOf(n.id);
    if (!p) continue;
    layout[n.id] = parentOf(t, n.id) === null ? roundPos(p) : clampIntoContainer(p);
  }
  edit((doc) => ({ ...doc, layout: { ...doc.layout, ...layout } }));
}

const roundPos = (p: Position) => ({ x: Math.round(p.x), y: Math.round(p.y) });

function dropDevice(
  t: Topology,
  id: string,
  abs: Position,
  point: Position,
  notify: (text: string, tone?: 'info' | 'error') => void,
): Topology | null {
  const device = t.devices.find((d) => d.id === id);
  if (!device) return null;
  const hit = hitTest(t, point, new Set([id]));
  const parent = parentOf(t, id);
  const refusal = proxyRefusal(device.model);
  if (hit.container === parent && parent !== null) {
    return { ...t, layout: { ...t.layout, [id]: clampIntoContainer(toFrame(t, abs, parent)) } };
  }
  const spot = (container: string) =>
    freeSpot(
      t,
      container,
      clampIntoContainer(toFrame(t, abs, container)),
      DEVICE_W,
      DEVICE_H,
      new Set([id]),
    );
  if (hit.container === VM_NODE_ID) return moveDevice(t, id, { kind: 'main' }, spot(VM_NODE_ID));
  if (refusal) {
    notify(refusal, 'error');
    return null;
  }
  if (hit.container === null) {
    // Dropped on the canvas: the device gets a remote process of its own, drawn around it.
    const created = addProcess(t, {
      x: Math.round(abs.x - PAD),
      y: Math.round(abs.y - HEADER_H - PAD),
    });
    return moveDevice(
      created.topology,
      id,
      { kind: 'remote', process: created.id },
      { x: PAD, y: HEADER_H + PAD },
    );
  }
  return moveDevice(t, id, { kind: 'remote', process: hit.container }, spot(hit.container));
}

function dropDrive(t: Topology, id: string, abs: Position, point: Position): Topology | null {
  const drive = t.drives.find((d) => d.id === id);
  if (!drive) return null;
  const hit = hitTest(t, point, new Set([id]));
  if (
    hit.device !== null &&
    hit.device !== drive.attachedTo &&
    canAttach(t, drive.model, hit.device, id)
  ) {
    return attachDrive(t, id, hit.device);
  }
  const parent = parentOf(t, id);
  if (parent !== null && hit.container === parent) {
    return { ...t, layout: { ...t.layout, [id]: clampIntoContainer(toFrame(t, abs, parent)) } };
  }
  if (parent !== null && hit.device === drive.attachedTo) return null;
  // Out of its controller's container: detached, left where it was dropped.
  const detached = attachDrive(t, id, null);
  return { ...detached, layout: { ...detached.layout, [id]: roundPos(abs) } };
}

/** An edge drawn between a drive and a device attaches the drive (either direction). */
export function connect(store: DesignerStore, a: string, b: string): void {
  const { topology: t, notify, edit } = store.getState();
  const drive = t.drives.find((d) => d.id === a || d.id === b);
  const device = t.devices.find((d) => d.id === a || d.id === b);
  if (!drive || !device) return;
  if (!canAttach(t, drive.model, device.id, drive.id)) {
    notify(`${device.id} (${device.model}) cannot take ${drive.id} (${drive.model})`, 'error');
    return;
  }
  edit((doc) => attachDrive(doc, drive.id, device.id));
}

/** Whether an edge being drawn would be accepted, for React Flow's live feedback. */
export function isValidConnection(t: Topology, a: string, b: string): boolean {
  const drive = t.drives.find((d) => d.id === a || d.id === b);
  const device = t.devices.find((d) => d.id === a || d.id === b);
  return !!drive && !!device && canAttach(t, drive.model, device.id, drive.id);
}
