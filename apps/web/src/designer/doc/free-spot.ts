import { VM_NODE_ID, type Position, type Topology } from '@mpqemu/shared';
import {
  DEVICE_H,
  DEVICE_W,
  DRIVE_H,
  DRIVE_W,
  PROCESS_COLUMN_DX,
  PROCESS_ROW_H,
} from '../sizes.ts';
import { absolutePosition, parentOf, relativePosition } from './frames.ts';

const GAP = 16;

/**
 * The nearest spot at or below `want` (in `container`'s frame) where a `w`×`h` box covers no
 * other child, so that a drop never hides a node under another one.
 */
export function freeSpot(
  t: Topology,
  container: string,
  want: Position,
  w: number,
  h: number,
  exclude: ReadonlySet<string> = new Set(),
): Position {
  const rects = [
    ...t.devices.map((d) => ({ id: d.id, w: DEVICE_W, h: DEVICE_H })),
    ...t.drives.map((d) => ({ id: d.id, w: DRIVE_W, h: DRIVE_H })),
  ]
    .filter((r) => !exclude.has(r.id) && parentOf(t, r.id) === container)
    .map((r) => ({ ...relativePosition(t, r.id), w: r.w, h: r.h }));
  const p = { ...want };
  for (let i = 0; i <= rects.length; i++) {
    const hit = rects.find(
      (r) =>
        p.x < r.x + r.w + GAP &&
        p.x + w + GAP > r.x &&
        p.y < r.y + r.h + GAP &&
        p.y + h + GAP > r.y,
    );
    if (!hit) return p;
    p.y = hit.y + hit.h + GAP;
  }
  return p;
}

/**
 * Where a new remote process covers nothing: in the processes' column left of the VM (or left of
 * a process moved further left), below the lowest process.
 */
export function freeCanvasSpot(t: Topology): Position {
  const tops = t.processes.map((p) => absolutePosition(t, p.id));
  const vm = absolutePosition(t, VM_NODE_ID);
  const x = Math.min(vm.x - PROCESS_COLUMN_DX, ...tops.map((p) => p.x));
  const y = tops.length === 0 ? vm.y : Math.max(...tops.map((p) => p.y)) + PROCESS_ROW_H;
  return { x, y };
}
