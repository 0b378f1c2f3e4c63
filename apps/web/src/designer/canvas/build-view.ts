/**
 * The canvas as a function of the document: containers (the VM, each remote process), devices
 * and drives inside them, attachment edges and proxy channels. Selection is carried over from
 * the previous nodes; it is view state and never enters the document.
 */
import {
  deviceModel,
  VM_NODE_ID,
  type Position,
  type Problem,
  type Topology,
} from '@mpqemu/shared';
import { parentOf, relativePosition } from '../doc/frames.ts';
import {
  DEVICE_H,
  DEVICE_W,
  DRIVE_H,
  DRIVE_W,
  MIN_CONTAINER_H,
  MIN_CONTAINER_W,
  PAD,
} from '../sizes.ts';
import {
  channelEdgeId,
  driveEdgeId,
  type DesignerEdge,
  type DesignerNode,
  type DeviceNode,
  type DriveNode,
} from './types.ts';

export interface View {
  nodes: DesignerNode[];
  edges: DesignerEdge[];
}

/** Problems per node id, so each node gets its badge without scanning the whole list. */
export function problemsByNode(problems: readonly Problem[]): Map<string, Problem[]> {
  const map = new Map<string, Problem[]>();
  for (const p of problems) {
    for (const id of new Set(p.nodeIds)) {
      const list = map.get(id) ?? [];
      list.push(p);
      map.set(id, list);
    }
  }
  return map;
}

/** Container size: its children's bounding box plus padding, never smaller than a minimum. */
function containerSizes(t: Topology): Map<string, [number, number]> {
  const sizes = new Map<string, [number, number]>();
  const grow = (container: string, p: Position, w: number, h: number) => {
    const [cw, ch] = sizes.get(container) ?? [MIN_CONTAINER_W, MIN_CONTAINER_H];
    sizes.set(container, [Math.max(cw, p.x + w + PAD), Math.max(ch, p.y + h + PAD)]);
  };
  sizes.set(VM_NODE_ID, [MIN_CONTAINER_W + 60, MIN_CONTAINER_H]);
  for (const p of t.processes) sizes.set(p.id, [MIN_CONTAINER_W, MIN_CONTAINER_H]);
  for (const d of t.devices) {
    const parent = parentOf(t, d.id);
    if (parent) grow(parent, relativePosition(t, d.id), DEVICE_W, DEVICE_H);
  }
  for (const d of t.drives) {
    const parent = parentOf(t, d.id);
    if (parent) grow(parent, relativePosition(t, d.id), DRIVE_W, DRIVE_H);
  }
  return sizes;
}

export function containerSize(t: Topology, id: string): [number, number] {
  return containerSizes(t).get(id) ?? [MIN_CONTAINER_W, MIN_CONTAINER_H];
}

export function buildView(
  t: Topology,
  problems: readonly Problem[],
  previous: readonly DesignerNode[] = [],
  previousEdges: readonly DesignerEdge[] = [],
): View {
  const selected = new Set(previous.filter((n) => n.selected).map((n) => n.id));
  const selectedEdges = new Set(previousEdges.filter((e) => e.selected).map((e) => e.id));
  const byNode = problemsByNode(problems);
  const sizes = containerSizes(t);
  const at = (id: string) => relativePosition(t, id);
  const size = (id: string) => sizes.get(id) ?? [MIN_CONTAINER_W, MIN_CONTAINER_H];
  const common = (id: string) => ({ id, position: at(id), selected: selected.has(id) });
  const probs = (id: string) => byNode.get(id) ?? [];

  const devicesIn = new Map<string, string[]>();
  for (const d of t.devices) {
    if (d.placement.kind !== 'remote') continue;
    devicesIn.set(d.placement.process, [...(devicesIn.get(d.placement.process) ?? []), d.id]);
  }
  const drivesOf = new Map<string, number>();
  for (const d of t.drives) {
    if (d.attachedTo !== null) drivesOf.set(d.attachedTo, (drivesOf.get(d.attachedTo) ?? 0) + 1);
  }

  const nodes: DesignerNode[] = [];
  const [vw, vh] = size(VM_NODE_ID);
  nodes.push({
    ...common(VM_NODE_ID),
    type: 'vm',
    width: vw,
    height: vh,
    deletable: false,
    data: {
      vm: t.vm,
      problems: probs(VM_NODE_ID),
      proxied: t.devices.filter((d) => d.placement.kind === 'remote').length,
    },
  });
  for (const p of t.processes) {
    const [w, h] = size(p.id);
    nodes.push({
      ...common(p.id),
      type: 'process',
      width: w,
      height: h,
      data: { process: p, problems: probs(p.id), devices: devicesIn.get(p.id) ?? [] },
    });
  }
  for (const d of t.devices) {
    const parent = parentOf(t, d.id);
    const node: DeviceNode = {
      ...common(d.id),
      type: 'device',
      width: DEVICE_W,
      height: DEVICE_H,
      data: { device: d, problems: probs(d.id), drives: drivesOf.get(d.id) ?? 0 },
    };
    nodes.push(parent ? { ...node, parentId: parent, extent: 'parent' } : node);
  }
  const bootDrive = t.vm.boot.kind === 'disk' ? t.vm.boot.drive : null;
  for (const d of t.drives) {
    const parent = parentOf(t, d.id);
    const node: DriveNode = {
      ...common(d.id),
      type: 'drive',
      width: DRIVE_W,
      height: DRIVE_H,
      data: { drive: d, problems: probs(d.id), boot: bootDrive === d.id },
    };
    nodes.push(parent ? { ...node, parentId: parent, extent: 'parent' } : node);
  }
  return { nodes, edges: buildEdges(t, devicesIn, selectedEdges) };
}

function buildEdges(
  t: Topology,
  devicesIn: Map<string, string[]>,
  selected: Set<string>,
): DesignerEdge[] {
  const edges: DesignerEdge[] = [];
  const deviceIds = new Set(t.devices.map((d) => d.id));
  for (const d of t.drives) {
    if (d.attachedTo === null || !deviceIds.has(d.attachedTo)) continue;
    const id = driveEdgeId(d.id);
    edges.push({
      id,
      type: 'drive',
      source: d.attachedTo,
      sourceHandle: 'drives',
      target: d.id,
      targetHandle: 'host',
      selected: selected.has(id),
      data: { label: driveEdgeLabel(t, d.attachedTo, d.scsiId, d.lun) },
    });
  }
  for (const p of t.processes) {
    const devices = devicesIn.get(p.id) ?? [];
    if (devices.length === 0) continue;
    edges.push({
      id: channelEdgeId(p.id),
      type: 'channel',
      source: p.id,
      sourceHandle: 'proxy',
      target: VM_NODE_ID,
      targetHandle: 'proxy',
      selectable: false,
      deletable: false,
      focusable: false,
      data: { label: `x-pci-proxy-dev ${devices.join(', ')}` },
    });
  }
  return edges;
}

/** `lsi0.0 · id 0` for a SCSI disk (QEMU names the bus `<controller>.0`); `drive` otherwise. */
function driveEdgeLabel(t: Topology, deviceId: string, scsiId?: number, lun?: number) {
  const device = t.devices.find((d) => d.id === deviceId);
  const bus = device ? deviceModel(device.model)?.accepts?.bus : undefined;
  if (bus !== 'scsi') return 'drive';
  const id = scsiId === undefined ? 'id ?' : `id ${scsiId}`;
  return `${deviceId}.0 · ${id}${lun ? ` · lun ${lun}` : ''}`;
}
