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

const NODESEP = 24;
const RANKSEP = 44;

/**
 * What dagre makes of one device and the drives attached to it (the drives in a row under the
 * device, which is centred over them), without dagre: a remote process usually holds just that,
 * and a hundred of them took a hundred dagre runs.
 */
function oneDevice([device, ...drives]: readonly Box[]): Map<string, Position> {
  const out = new Map<string, Position>();
  if (!device) return out;
  const row = drives.reduce((w, d) => w + d.w, 0) + NODESEP * Math.max(0, drives.length - 1);
  const width = Math.max(device.w, row);
  out.set(device.id, { x: Math.round((width - device.w) / 2), y: 0 });
  let x = Math.round((width - row) / 2);
  for (const d of drives) {
    out.set(d.id, { x, y: device.h + RANKSEP });
    x += d.w + NODESEP;
  }
  return out;
}

/** Positions for every node of the document, as `topology.layout`. */
export function autoLayout(t: Topology): Record<string, Position> {
  const layout: Record<string, Position> = {};
  const containers = [VM_NODE_ID, ...t.processes.map((p) => p.id)];
  // Each node's container, looked up once: per container it made the layout quadratic in the
  // number of nodes (300 devices: 300 ms of a 2 s page load).
  const parents = new Map<string, string | null>();
  for (const node of [...t.devices, ...t.drives]) parents.set(node.id, parentOf(t, node.id));
  const boxesOf = new Map<string, Box[]>(containers.map((c) => [c, []]));
  const edgesOf = new Map<string, [string, string][]>(containers.map((c) => [c, []]));
  for (const d of t.devices) {
    boxesOf.get(parents.get(d.id) ?? '')?.push({ id: d.id, w: DEVICE_W, h: DEVICE_H });
  }
  for (const d of t.drives) {
    const c = parents.get(d.id) ?? '';
    if (d.attachedTo === null || !boxesOf.has(c)) continue;
    boxesOf.get(c)?.push({ id: d.id, w: DRIVE_W, h: DRIVE_H });
    edgesOf.get(c)?.push([d.attachedTo, d.id]);
  }
  const sizes = new Map<string, [number, number]>();
  for (const c of containers) {
    const boxes = boxesOf.get(c) ?? [];
    const edges = edgesOf.get(c) ?? [];
    if (boxes.length === 0) {
      sizes.set(c, [c === VM_NODE_ID ? MIN_CONTAINER_W + 60 : MIN_CONTAINER_W, MIN_CONTAINER_H]);
      continue;
    }
    const inner =
      edges.length === boxes.length - 1 && edges.every(([from]) => from === boxes[0]?.id)
        ? oneDevice(boxes)
        : run(boxes, edges, {
            rankdir: 'TB',
            nodesep: NODESEP,
            ranksep: RANKSEP,
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
    if (parents.get(d.id) === null) top.push({ id: d.id, w: DRIVE_W, h: DRIVE_H });
  }
  const proxied = t.devices.some((d) => d.placement.kind === 'remote');
  for (const [id, p] of feedingTheVm(top, proxied)) layout[id] = p;
  return layout;
}

const COLUMN_GAP = 40;
const TO_THE_VM = 160;

/**
 * The containers as dagre lays out their channels (left to right), without its ordering passes,
 * which took 250 ms for a hundred processes: every process and loose drive in a column, centred
 * on it, and the VM to its right, centred on the column's height; with nothing proxied, the VM
 * heads the one column.
 */
function feedingTheVm(top: readonly Box[], proxied: boolean): Map<string, Position> {
  const out = new Map<string, Position>();
  const vm = top.find((b) => b.id === VM_NODE_ID);
  const others = top.filter((b) => b !== vm);
  const column = proxied || !vm ? others : [vm, ...others];
  const width = Math.max(0, ...column.map((b) => b.w));
  let y = 0;
  for (const b of column) {
    out.set(b.id, { x: Math.round((width - b.w) / 2), y });
    y += b.h + COLUMN_GAP;
  }
  if (vm && proxied) {
    const height = Math.max(0, y - COLUMN_GAP);
    out.set(vm.id, { x: width + TO_THE_VM, y: Math.round(Math.max(0, height - vm.h) / 2) });
  }
  return out;
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
