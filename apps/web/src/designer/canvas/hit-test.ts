import { VM_NODE_ID, type Position, type Topology } from '@mpqemu/shared';
import { absolutePosition, parentOf } from '../doc/frames.ts';
import { DEVICE_H, DEVICE_W } from '../sizes.ts';
import { containerSize } from './build-view.ts';

export interface Hit {
  /** The innermost container under the point: the VM, a remote process, or null (canvas). */
  container: string | null;
  /** The device under the point, if any. */
  device: string | null;
}

const inside = (p: Position, at: Position, w: number, h: number) =>
  p.x >= at.x && p.x <= at.x + w && p.y >= at.y && p.y <= at.y + h;

/**
 * What lies under a canvas point, from the document alone (React Flow's own intersection helpers
 * work on node rectangles, but a drop is decided by where the pointer is, not the dragged box).
 */
export function hitTest(
  t: Topology,
  point: Position,
  exclude: ReadonlySet<string> = new Set(),
): Hit {
  let device: string | null = null;
  for (const d of t.devices) {
    if (exclude.has(d.id) || parentOf(t, d.id) === null) continue;
    if (inside(point, absolutePosition(t, d.id), DEVICE_W, DEVICE_H)) device = d.id;
  }
  // Processes are drawn above the VM, and a smaller box above a larger one.
  let container: string | null = null;
  let best = Infinity;
  for (const id of [VM_NODE_ID, ...t.processes.map((p) => p.id)]) {
    if (exclude.has(id)) continue;
    const [w, h] = containerSize(t, id);
    if (inside(point, absolutePosition(t, id), w, h) && w * h < best) {
      container = id;
      best = w * h;
    }
  }
  return { container, device };
}
