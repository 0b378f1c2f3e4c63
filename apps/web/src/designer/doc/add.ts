import {
  allIds,
  idPrefix,
  newDevice,
  newDrive,
  DEFAULT_RESTART_POLICY,
  nextFreeId,
  PROCESS_PREFIX,
  type DriveModel,
  type Position,
  type Topology,
} from '@mpqemu/shared';
import { HEADER_H, PAD } from '../sizes.ts';
import { attachDrive } from './attach.ts';

export type Added = { topology: Topology; id: string };

/** A new, empty remote process with its top-left corner at `at` (canvas coordinates). */
export function addProcess(t: Topology, at: Position): Added {
  const id = nextFreeId(PROCESS_PREFIX, allIds(t));
  return {
    id,
    topology: {
      ...t,
      processes: [...t.processes, { id, label: '', restart: DEFAULT_RESTART_POLICY }],
      layout: { ...t.layout, [id]: at },
    },
  };
}

/**
 * Where a new device goes: into the VM, into an existing remote process, or into a new remote
 * process created around it at a canvas position.
 */
export type DeviceTarget =
  { kind: 'main' } | { kind: 'remote'; process: string } | { kind: 'new-process'; at: Position };

/** Adds a device of `model`; `position` is in the target container's frame. */
export function addDevice(
  t: Topology,
  model: string,
  target: DeviceTarget,
  position: Position = { x: PAD, y: HEADER_H + PAD },
): Added | null {
  let doc = t;
  let process: string | null = null;
  if (target.kind === 'remote') process = target.process;
  if (target.kind === 'new-process') {
    const created = addProcess(doc, target.at);
    doc = created.topology;
    process = created.id;
  }
  const id = nextFreeId(idPrefix(model), allIds(doc));
  const device = newDevice(
    model,
    id,
    process === null ? { kind: 'main' } : { kind: 'remote', process },
  );
  if (!device) return null;
  return {
    id,
    topology: {
      ...doc,
      devices: [...doc.devices, device],
      layout: { ...doc.layout, [id]: position },
    },
  };
}

/**
 * Adds a drive. Attached to `deviceId` it takes the next free SCSI id and sits under the
 * controller; unattached it sits at `position` on the canvas.
 */
export function addDrive(
  t: Topology,
  model: DriveModel,
  deviceId: string | null,
  position: Position = { x: 0, y: 0 },
): Added {
  const id = nextFreeId(idPrefix(model), allIds(t));
  const doc: Topology = {
    ...t,
    drives: [...t.drives, newDrive(model, id)],
    layout: { ...t.layout, [id]: position },
  };
  return { id, topology: deviceId === null ? doc : attachDrive(doc, id, deviceId) };
}
