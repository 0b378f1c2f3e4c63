import { DEVICE_MODELS, deviceModel, driveModel, type DriveModel } from '../catalogue.ts';
import type { ValidationContext } from './context.ts';
import { pathProblem } from './paths.ts';

/** Drives: attached to something that accepts them, at a free and legal SCSI address. */
export function checkDrives(ctx: ValidationContext): void {
  const { topology } = ctx;
  const scsiAddresses = new Map<string, string>();
  topology.drives.forEach((drive, i) => {
    const at = `drives[${i}]`;
    const imageProblem = pathProblem(drive.image.path);
    if (imageProblem) {
      ctx.report(
        'error',
        'drive.image-path',
        `image path of ${drive.id} ${imageProblem}`,
        `${at}.image.path`,
        [drive.id],
      );
    }
    if (drive.attachedTo === null) {
      ctx.report(
        'warning',
        'drive.unattached',
        `${drive.id} is not attached to a controller or device; it will not be launched`,
        `${at}.attachedTo`,
        [drive.id],
      );
      return;
    }
    const parent = ctx.deviceIndex.get(drive.attachedTo)?.device;
    if (!parent) {
      ctx.report(
        'error',
        'drive.unknown-device',
        `${drive.id} is attached to "${drive.attachedTo}", which is not a device`,
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
          `${parent.model} has no SCSI bus; the SCSI id/LUN of ${drive.id} is ignored`,
          `${at}.scsiId`,
          [drive.id],
        );
      }
      const siblings = ctx.drivesByDevice.get(parent.id) ?? [];
      if (siblings.length > (accepts.maxChildren ?? 1) && siblings[0]?.drive !== drive) {
        ctx.report(
          'error',
          'drive.slot-taken',
          `${parent.id} already has its disk image (${siblings[0]?.drive.id}); a ${parent.model} takes one`,
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
        `${drive.id} needs a SCSI id on ${parent.id}`,
        `${at}.scsiId`,
        [drive.id],
      );
      return;
    }
    const lun = drive.lun ?? 0;
    const maxId = accepts.maxScsiId ?? 0;
    if (drive.scsiId > maxId || accepts.reservedScsiIds?.includes(drive.scsiId)) {
      ctx.report(
        'error',
        'drive.scsi-id-range',
        `SCSI id ${drive.scsiId} of ${drive.id} is out of range: ${parent.model} allows 0-${maxId}`,
        `${at}.scsiId`,
        [drive.id],
      );
    }
    if (lun > (accepts.maxLun ?? 0)) {
      ctx.report(
        'error',
        'drive.lun-range',
        `LUN ${lun} of ${drive.id} is out of range: ${parent.model} allows 0-${accepts.maxLun ?? 0}`,
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
        `${drive.id} and ${other} both use SCSI id ${drive.scsiId} LUN ${lun} on ${parent.id}`,
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
        `${device.model} ${device.id} needs a disk image: attach a Disk image drive to it`,
        `devices[${i}]`,
        [device.id],
      );
    }
  });
}

function compatibleModels(drive: DriveModel): string {
  const hosts = DEVICE_MODELS.filter((m) => m.accepts?.drives.includes(drive)).map((m) => m.model);
  return `a ${hosts.join(', ')}`;
}
