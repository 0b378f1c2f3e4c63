/**
 * Coordinate frames of the canvas. The document stores each node's position relative to the
 * container it is drawn in (React Flow's `parentId` convention), so moving a device between
 * containers means converting its position, and so does attaching or detaching a drive. A node
 * the document gives no position has one default, for the canvas and the edits alike.
 */
import { VM_NODE_ID, type Position, type Topology } from '@mpqemu/shared';
import {
  DEVICE_H,
  DEVICE_W,
  DRIVE_GAP_X,
  DRIVE_GAP_Y,
  DRIVE_H,
  DRIVE_W,
  HEADER_H,
  PAD,
  PROCESS_COLUMN_DX,
  PROCESS_ROW_H,
} from '../sizes.ts';

/** The container a node is drawn in, or null for a top-level node. */
export function parentOf(t: Topology, id: string): string | null {
  if (id === VM_NODE_ID) return null;
  const device = t.devices.find((d) => d.id === id);
  if (device) {
    if (device.placement.kind === 'main') return VM_NODE_ID;
    const pid = device.placement.process;
    return t.processes.some((p) => p.id === pid) ? pid : null;
  }
  const drive = t.drives.find((d) => d.id === id);
  if (drive?.attachedTo) {
    // A drive lives where its controller lives: the planner starts it in the same process.
    const host = t.devices.some((d) => d.id === drive.attachedTo);
    return host ? parentOf(t, drive.attachedTo) : null;
  }
  return null;
}

/** Position in the frame of the node's container: the document's, else defaultPosition's. */
export function relativePosition(t: Topology, id: string): Position {
  return t.layout[id] ?? defaultPosition(t, id);
}

/**
 * Where a node is that the document gives no position: the VM at the origin, remote processes in
 * a column left of it, devices in two columns inside their container, drives in a row under their
 * controller, loose drives below the processes. The store lays out a document when it opens it,
 * but a node can still lack a position (a document the running VM started from); the canvas draws
 * it here and every edit reads it here, so a drag or an attach starts from where it is seen.
 */
function defaultPosition(t: Topology, id: string): Position {
  if (id === VM_NODE_ID) return { x: 0, y: 0 };
  const vm = relativePosition(t, VM_NODE_ID);
  const process = t.processes.findIndex((p) => p.id === id);
  if (process >= 0) return { x: vm.x - PROCESS_COLUMN_DX, y: vm.y + process * PROCESS_ROW_H };
  const device = t.devices.findIndex((d) => d.id === id);
  if (device >= 0) {
    const parent = parentOf(t, id);
    const i = t.devices.slice(0, device).filter((d) => parentOf(t, d.id) === parent).length;
    return {
      x: PAD + (i % 2) * (DEVICE_W + 40),
      y: HEADER_H + PAD + Math.floor(i / 2) * (DEVICE_H + DRIVE_H + 96),
    };
  }
  const drive = t.drives.findIndex((d) => d.id === id);
  if (drive >= 0) {
    const before = t.drives.slice(0, drive);
    const host = t.drives[drive]?.attachedTo ?? null;
    if (host !== null && parentOf(t, id) !== null) {
      return drivePositionUnder(t, host, before.filter((d) => d.attachedTo === host).length);
    }
    const loose = before.filter((d) => parentOf(t, d.id) === null).length;
    return { x: vm.x - PROCESS_COLUMN_DX, y: vm.y + 600 + 80 * loose };
  }
  return { x: PAD, y: HEADER_H + PAD };
}

/** Where the n-th drive of a controller goes: in a row under it, in the controller's frame. */
export function drivePositionUnder(t: Topology, deviceId: string, index: number): Position {
  const dev = relativePosition(t, deviceId);
  return { x: dev.x + index * (DRIVE_W + DRIVE_GAP_X), y: dev.y + DEVICE_H + DRIVE_GAP_Y };
}

export function absolutePosition(t: Topology, id: string): Position {
  const own = relativePosition(t, id);
  const parent = parentOf(t, id);
  if (parent === null) return own;
  const base = absolutePosition(t, parent);
  return { x: base.x + own.x, y: base.y + own.y };
}

/** Converts an absolute position into the frame of `container` (null = the canvas). */
export function toFrame(t: Topology, abs: Position, container: string | null): Position {
  if (container === null) return abs;
  const base = absolutePosition(t, container);
  return { x: abs.x - base.x, y: abs.y - base.y };
}

/** Keeps a child below its container's title and right of its left edge. */
export function clampIntoContainer(p: Position): Position {
  return { x: Math.max(PAD, Math.round(p.x)), y: Math.max(HEADER_H + 4, Math.round(p.y)) };
}

export function withoutLayout(t: Topology, ids: Iterable<string>): Topology {
  const drop = new Set(ids);
  const layout = Object.fromEntries(Object.entries(t.layout).filter(([id]) => !drop.has(id)));
  return { ...t, layout };
}
