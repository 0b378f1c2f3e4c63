import {
  allIds,
  canAttach,
  idPrefix,
  nextFreeId,
  type Device,
  type Topology,
} from '@mpqemu/shared';
import { addProcess, type Added } from './add.ts';
import { attachDrive } from './attach.ts';
import { absolutePosition, relativePosition } from './frames.ts';

const OFFSET = 32;

/**
 * Duplicates a process (with its device), a device or a drive next to the original. A copy of a
 * proxied device gets its own new remote process, because QEMU 7.2 proxies one device per
 * process. Fields that must be unique (slot, MAC, host forwards) are not copied.
 */
export function duplicateItem(t: Topology, id: string): Added | null {
  const process = t.processes.find((p) => p.id === id);
  if (process) {
    const at = absolutePosition(t, id);
    const created = addProcess(t, { x: at.x + OFFSET, y: at.y + OFFSET });
    let doc = { ...created.topology };
    doc.processes = doc.processes.map((p) =>
      p.id === created.id ? { ...p, label: process.label } : p,
    );
    for (const d of t.devices) {
      if (d.placement.kind === 'remote' && d.placement.process === id) {
        doc = copyDevice(doc, d, created.id, relativePosition(t, d.id)).topology;
      }
    }
    return { topology: doc, id: created.id };
  }
  const device = t.devices.find((d) => d.id === id);
  if (device) {
    if (device.placement.kind === 'main') {
      const p = relativePosition(t, id);
      return copyDevice(t, device, null, { x: p.x + OFFSET, y: p.y + OFFSET });
    }
    const at = absolutePosition(t, device.placement.process);
    const created = addProcess(t, { x: at.x + OFFSET, y: at.y + OFFSET });
    const copied = copyDevice(created.topology, device, created.id, relativePosition(t, id));
    return { topology: copied.topology, id: copied.id };
  }
  const drive = t.drives.find((d) => d.id === id);
  if (drive) {
    const newId = nextFreeId(idPrefix(drive.model), allIds(t));
    const abs = absolutePosition(t, id);
    let doc: Topology = {
      ...t,
      drives: [...t.drives, { ...drive, id: newId, attachedTo: null }],
      layout: { ...t.layout, [newId]: { x: abs.x + OFFSET, y: abs.y + OFFSET } },
    };
    if (drive.attachedTo !== null && canAttach(doc, drive.model, drive.attachedTo, newId)) {
      doc = attachDrive(doc, newId, drive.attachedTo);
    }
    return { topology: doc, id: newId };
  }
  return null;
}

function copyDevice(
  t: Topology,
  device: Device,
  process: string | null,
  position: { x: number; y: number },
): Added {
  const id = nextFreeId(idPrefix(device.model), allIds(t));
  const copy: Device = {
    ...device,
    id,
    placement: process === null ? { kind: 'main' } : { kind: 'remote', process },
  };
  delete copy.slot;
  if (copy.family === 'net') {
    delete copy.mac;
    copy.backend = { ...copy.backend, hostForwards: [] };
  }
  return {
    id,
    topology: {
      ...t,
      devices: [...t.devices, copy],
      layout: { ...t.layout, [id]: position },
    },
  };
}
