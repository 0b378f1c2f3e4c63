import { nextFreeScsiId, type Drive, type Topology } from '@mpqemu/shared';
import { DRIVE_H, DRIVE_W } from '../sizes.ts';
import { freeSpot } from './free-spot.ts';
import { absolutePosition, drivePositionUnder, parentOf, toFrame } from './frames.ts';

/**
 * Attaches a drive to a device (null detaches it). A SCSI drive gets the next free SCSI id and
 * LUN 0; a drive-slot drive loses any SCSI address. The drive moves into the controller's
 * container, under the controller; a detached drive keeps its place on the canvas.
 */
export function attachDrive(t: Topology, driveId: string, deviceId: string | null): Topology {
  const drive = t.drives.find((d) => d.id === driveId);
  if (!drive || drive.attachedTo === deviceId) return t;
  const abs = absolutePosition(t, driveId);
  let next: Drive = { ...drive, attachedTo: deviceId };
  delete next.scsiId;
  delete next.lun;
  if (deviceId !== null) {
    const scsiId = nextFreeScsiId(t, deviceId, driveId);
    if (scsiId !== undefined) next = { ...next, scsiId, lun: 0 };
  }
  const drives = t.drives.map((d) => (d.id === driveId ? next : d));
  const updated: Topology = { ...t, drives };
  const siblings = drives.filter((d) => d.attachedTo === deviceId && d.id !== driveId).length;
  const container = parentOf(updated, driveId);
  const position =
    deviceId === null || container === null
      ? toFrame(updated, abs, container)
      : freeSpot(
          updated,
          container,
          drivePositionUnder(updated, deviceId, siblings),
          DRIVE_W,
          DRIVE_H,
          new Set([driveId]),
        );
  return { ...updated, layout: { ...updated.layout, [driveId]: position } };
}
