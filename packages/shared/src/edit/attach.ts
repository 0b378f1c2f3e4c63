import { deviceModel } from '../catalogue.ts';
import type { Topology } from '../schema.ts';

/**
 * The lowest SCSI target id on `deviceId` that no other drive uses and the controller does not
 * reserve (the LSI's initiator is target 7), or undefined when the bus is full or not SCSI.
 * `except` is a drive being moved, whose own id is free to reuse.
 */
export function nextFreeScsiId(t: Topology, deviceId: string, except?: string): number | undefined {
  const device = t.devices.find((d) => d.id === deviceId);
  const accepts = device ? deviceModel(device.model)?.accepts : undefined;
  if (accepts?.bus !== 'scsi') return undefined;
  const used = new Set(
    t.drives
      .filter((d) => d.attachedTo === deviceId && d.id !== except && (d.lun ?? 0) === 0)
      .map((d) => d.scsiId),
  );
  for (let id = 0; id <= (accepts.maxScsiId ?? 0); id++) {
    if (!used.has(id) && !accepts.reservedScsiIds?.includes(id)) return id;
  }
  return undefined;
}

/**
 * Whether `deviceId` takes a drive of `driveModelName` and has room for another one; `driveId`
 * is a drive already in the document that would move there.
 */
export function canAttach(
  t: Topology,
  driveModelName: string,
  deviceId: string,
  driveId?: string,
): boolean {
  const device = t.devices.find((d) => d.id === deviceId);
  const accepts = device ? deviceModel(device.model)?.accepts : undefined;
  if (!accepts || !(accepts.drives as readonly string[]).includes(driveModelName)) return false;
  if (accepts.bus === 'drive-slot') {
    const taken = t.drives.filter((d) => d.attachedTo === deviceId && d.id !== driveId).length;
    return taken < (accepts.maxChildren ?? 1);
  }
  return nextFreeScsiId(t, deviceId, driveId) !== undefined;
}
