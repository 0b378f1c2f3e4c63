/**
 * Coordinate frames of the canvas. The document stores each node's position relative to the
 * container it is drawn in (React Flow's `parentId` convention), so moving a device between
 * containers means converting its position, and so does attaching or detaching a drive.
 */
import { VM_NODE_ID, type Position, type Topology } from '@mpqemu/shared';
import { HEADER_H, PAD } from '../sizes.ts';

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

/** Position in the frame of the node's container, or a default inside it. */
export function relativePosition(t: Topology, id: string): Position {
  return t.layout[id] ?? { x: PAD, y: HEADER_H + PAD };
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
