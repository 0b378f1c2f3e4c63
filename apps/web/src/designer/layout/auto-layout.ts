/**
 * Auto-layout with dagre, in two passes because dagre lays out flat graphs: first each
 * container's devices above their drives, which gives every container its size; then the
 * containers themselves, remote processes feeding the VM from the left.
 */
import dagre, { type GraphLabel } from '@dagrejs/dagre';
import { VM_NODE_ID, type Position, type Topology } from '@mpqemu/shared';
import { parentOf } from '../doc/frames.ts';
import {
  DEVICE_H,
  DEVICE_W,
  DRIVE_H,
  DRIVE_W,
  HEADER_H,
  MIN_CONTAINER_H,
  MIN_CONTAINER_W,
  PAD,
} from '../sizes.ts';

interface Box {
  id: string;
  w: number;
  h: number;
}

function run(
  boxes: readonly Box[],
  edges: readonly [string, string][],
  options: GraphLabel,
): Map<string, Position> {
  const g = new dagre.graphlib.Graph();
  g.setGraph(options);
  g.setDefaultEdgeLabel(() => ({}));
  for (const b of boxes) g.setNode(b.id, { width: b.w, height: b.h });
  for (const [a, b] of edges) g.setEdge(a, b);
  dagre.layout(g);
  const out = new Map<string, Position>();
  for (const b of boxes) {
    const n = g.node(b.id) as { x: number; y: number };
    // dagre gives centres; React Flow positions are top-left corners.
    out.set(b.id, { x: Math.round(n.x - b.w / 2), y: Math.round(n.y - b.h / 2) });
  }
  return out;
}

/** Positions for every node of the document, as `topology.layout`. */
export function autoLayout(t: Topology): Record<string, Position> {
  const layout: Record<string, Position> = {};
  const containers = [VM_NODE_ID, ...t.processes.map((p) => p.id)];
  const sizes = new Map<string, [number, number]>();
  for (const c of containers) {
    const boxes: Box[] = [];
    const edges: [string, string][] = [];
    for (const d of t.devices) {
      if (parentOf(t, d.id) === c) boxes.push({ id: d.id, w: DEVICE_W, h: DEVICE_H });
    }
    for (const d of t.drives) {
      if (parentOf(t, d.id) !== c || d.attachedTo === null) continue;
      boxes.push({ id: d.id, w: DRIVE_W, h: DRIVE_H });
      edges.push([d.attachedTo, d.id]);
    }
    if (boxes.length === 0) {
      sizes.set(c, [c === VM_NODE_ID ? MIN_CONTAINER_W + 60 : MIN_CONTAINER_W, MIN_CONTAINER_H]);
      continue;
    }
    const inner = run(boxes, edges, {
      rankdir: 'TB',
      nodesep: 24,
      ranksep: 44,
      marginx: 0,
      marginy: 0,
    });
    let w = 0;
    let h = 0;
    for (const b of boxes) {
      const p = inner.get(b.id) ?? { x: 0, y: 0 };
      const rel = { x: p.x + PAD, y: p.y + HEADER_H + PAD };
      layout[b.id] = rel;
      w = Math.max(w, rel.x + b.w + PAD);
      h = Math.max(h, rel.y + b.h + PAD);
    }
    sizes.set(c, [Math.max(w, MIN_CONTAINER_W), Math.max(h, MIN_CONTAINER_H)]);
  }
  const top: Box[] = containers.map((id) => {
    const [w, h] = sizes.get(id) ?? [MIN_CONTAINER_W, MIN_CONTAINER_H];
    return { id, w, h };
  });
  for (const d of t.drives) {
    if (parentOf(t, d.id) === null) top.push({ id: d.id, w: DRIVE_W, h: DRIVE_H });
  }
  const channels: [string, string][] = t.processes
    .filter((p) =>
      t.devices.some((d) => d.placement.kind === 'remote' && d.placement.process === p.id),
    )
    .map((p) => [p.id, VM_NODE_ID]);
  const outer = run(top, channels, { rankdir: 'LR', nodesep: 40, ranksep: 160 });
  for (const b of top) layout[b.id] = outer.get(b.id) ?? { x: 0, y: 0 };
  return layout;
}

/** Whether some node of the document has no stored position yet. */
export function layoutIncomplete(t: Topology): boolean {
  const ids = [
    VM_NODE_ID,
    ...t.processes.map((p) => p.id),
    ...t.devices.map((d) => d.id),
    ...t.drives.map((d) => d.id),
  ];
  return ids.some((id) => t.layout[id] === undefined);
}
