import { DEVICE_MODELS, deviceModel, driveModel, type DriveModel } from '../catalogue.ts';
import type { Drive } from '../schema.ts';
import type { ValidationContext } from './context.ts';
import { show } from './show.ts';
import { pathProblem } from './paths.ts';

/** Drives: attached to something that accepts them, at a free and legal SCSI address. */
export function checkDrives(ctx: ValidationContext): void {
  const { topology } = ctx;
  const scsiAddresses = new Map<string, string>();
  const images = new Map<string, { first: string; writer: string | null }>();
  topology.drives.forEach((drive, i) => {
    const at = `drives[${i}]`;
    const imageProblem = pathProblem(drive.image.path);
    if (imageProblem) {
      ctx.report(
        'error',
        'drive.image-path',
        `image path of ${show(drive.id)} ${imageProblem}`,
        `${at}.image.path`,
        [drive.id],
      );
    }
    if (drive.attachedTo === null) {
      ctx.report(
        'warning',
        'drive.unattached',
        `${show(drive.id)} is not attached to a controller or device; it will not be launched`,
        `${at}.attachedTo`,
        [drive.id],
      );
      return;
    }
    checkImageShared(ctx, images, drive, i);
    const parent = ctx.deviceIndex.get(drive.attachedTo)?.device;
    if (!parent) {
      ctx.report(
        'error',
        'drive.unknown-device',
        `${show(drive.id)} is attached to ${show(drive.attachedTo)}, which is not a device`,
        `${at}.attachedTo`,
        [drive.id],
      );
      return;
    }
    const accepts = deviceModel(parent.model)?.accepts;
    const label = driveModel(drive.model)?.label ?? drive.model;
    if (!accepts?.drives.includes(drive.model)) {
      const fitting = compatibleModels(drive.model);
      ctx.report(
        'error',
        'drive.incompatible',
        `${parent.model} does not take a ${label} (${drive.model}); attach it to ${fitting}`,
        `${at}.attachedTo`,
        [drive.id, parent.id],
      );
      return;
    }
    if (accepts.bus === 'drive-slot') {
      if (drive.scsiId !== undefined || drive.lun !== undefined) {
        ctx.report(
          'warning',
          'drive.scsi-address-ignored',
          `${parent.model} has no SCSI bus; the SCSI id/LUN of ${show(drive.id)} is ignored`,
          drive.scsiId !== undefined ? `${at}.scsiId` : `${at}.lun`,
          [drive.id],
        );
      }
      // Incompatible siblings are reported on their own and are not the one that holds the slot.
      const holder = ctx.drivesByDevice
        .get(parent.id)
        ?.find((s) => accepts.drives.includes(s.drive.model))?.drive;
      if (holder !== undefined && holder !== drive) {
        ctx.report(
          'error',
          'drive.slot-taken',
          `${show(parent.id)} already has its disk image (${show(holder.id)}); a ${parent.model} takes one`,
          `${at}.attachedTo`,
          [drive.id, parent.id],
        );
      }
      return;
    }
    if (drive.scsiId === undefined) {
      ctx.report(
        'error',
        'drive.scsi-id-missing',
        `${show(drive.id)} needs a SCSI id on ${show(parent.id)}`,
        `${at}.scsiId`,
        [drive.id],
      );
      return;
    }
    const lun = drive.lun ?? 0;
    const maxId = accepts.maxScsiId ?? 0;
    if (drive.scsiId > maxId || accepts.reservedScsiIds?.includes(drive.scsiId)) {
      const why = accepts.reservedScsiIds?.includes(drive.scsiId)
        ? `it is the ${parent.model}'s own id`
        : 'out of range';
      ctx.report(
        'error',
        'drive.scsi-id-range',
        `SCSI id ${drive.scsiId} of ${show(drive.id)} is ${why}: ${parent.model} allows 0-${maxId}`,
        `${at}.scsiId`,
        [drive.id],
      );
    }
    if (lun > (accepts.maxLun ?? 0)) {
      ctx.report(
        'error',
        'drive.lun-range',
        `LUN ${lun} of ${show(drive.id)} is out of range: ${parent.model} allows 0-${accepts.maxLun ?? 0}`,
        `${at}.lun`,
        [drive.id],
      );
    }
    const key = `${parent.id}/${drive.scsiId}/${lun}`;
    const other = scsiAddresses.get(key);
    if (other !== undefined) {
      ctx.report(
        'error',
        'drive.scsi-clash',
        `${show(drive.id)} and ${show(other)} both use SCSI id ${drive.scsiId} LUN ${lun} on ${show(parent.id)}`,
        `${at}.scsiId`,
        [drive.id, other],
      );
    } else {
      scsiAddresses.set(key, drive.id);
    }
  });

  topology.devices.forEach((device, i) => {
    const accepts = deviceModel(device.model)?.accepts;
    if (accepts?.bus === 'drive-slot' && !ctx.drivesByDevice.has(device.id)) {
      ctx.report(
        'error',
        'device.needs-drive',
        `${device.model} ${show(device.id)} needs a disk image: attach a Disk image drive to it`,
        `devices[${i}]`,
        [device.id],
      );
    }
  });
}

/**
 * QEMU locks images: a second user of a file that someone writes fails with `Failed to get
 * "write" lock` (measured on 7.2), in the same process or another. Read-only users share.
 * Paths are compared as written; the browser cannot resolve symlinks.
 */
function checkImageShared(
  ctx: ValidationContext,
  images: Map<string, { first: string; writer: string | null }>,
  drive: Drive,
  i: number,
): void {
  const writable = !drive.image.readOnly && driveModel(drive.model)?.forcedReadOnly !== true;
  const seen = images.get(drive.image.path);
  if (seen === undefined) {
    images.set(drive.image.path, { first: drive.id, writer: writable ? drive.id : null });
    return;
  }
  if (seen.writer === null && !writable) return;
  const other = seen.writer ?? seen.first;
  seen.writer ??= drive.id;
  ctx.report(
    'error',
    'drive.image-shared',
    `${show(drive.id)} and ${show(other)} use the same image ${show(drive.image.path)}, and ${show(writable ? drive.id : other)} writes to it; QEMU locks an image that is written. Make both read-only or use a copy`,
    `drives[${i}].image.path`,
    [drive.id, other],
  );
}

function compatibleModels(drive: DriveModel): string {
  const hosts = DEVICE_MODELS.filter((m) => m.accepts?.drives.includes(drive)).map((m) => m.model);
  return `a ${hosts.join(', ')}`;
}
