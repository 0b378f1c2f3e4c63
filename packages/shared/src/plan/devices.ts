import { FORMATS_WITH_BACKING, driveModel } from '../catalogue.ts';
import type { Device, Drive } from '../schema.ts';
import { json, type OptionValue, type PlanArg } from './args.ts';

export const fileNodeName = (driveId: string) => `${driveId}-file`;
export const formatNodeName = (driveId: string) => `${driveId}-fmt`;
export const netdevId = (deviceId: string) => `${deviceId}-net`;
export const pciAddr = (slot: number) => `0x${slot.toString(16)}`;

/**
 * A drive's block graph: a `file` node that takes the path literally (unlike `-drive file=`, which
 * reads `json:` and `nbd:` prefixes) and a format node with the format given, never probed. Backing
 * files are off (`"backing": null`) because nobody has shown the chain to the user.
 */
export function blockdevArgs(drive: Drive): PlanArg[] {
  const readOnly = drive.image.readOnly || driveModel(drive.model)?.forcedReadOnly === true;
  const file: Record<string, OptionValue> = {
    driver: 'file',
    'node-name': fileNodeName(drive.id),
    filename: drive.image.path,
    'read-only': readOnly,
  };
  const format: Record<string, OptionValue> = {
    driver: drive.image.format,
    'node-name': formatNodeName(drive.id),
    file: fileNodeName(drive.id),
    'read-only': readOnly,
  };
  if (FORMATS_WITH_BACKING.includes(drive.image.format)) format.backing = null;
  return [json('-blockdev', 'driver', file), json('-blockdev', 'driver', format)];
}

export interface DeviceOptions {
  /** PCI slot on the main QEMU's bus 0; only for devices in the main QEMU. */
  slot?: number | undefined;
  /** Drive id that gets `bootindex: 0`. */
  bootDrive?: string | undefined;
}

/** The backends, the device itself and its drives, in the order QEMU needs them. */
export function deviceArgs(
  device: Device,
  drives: readonly Drive[],
  opts: DeviceOptions,
): PlanArg[] {
  const args: PlanArg[] = [];
  const props: Record<string, OptionValue> = { driver: device.model, id: device.id };
  if (opts.slot !== undefined) props.addr = pciAddr(opts.slot);
  switch (device.family) {
    case 'block': {
      const drive = drives[0];
      if (drive) {
        args.push(...blockdevArgs(drive));
        props.drive = formatNodeName(drive.id);
        if (opts.bootDrive === drive.id) props.bootindex = 0;
      }
      // nvme refuses to start without a serial; the device id is a stable default.
      if (device.serial !== undefined) props.serial = device.serial;
      else if (device.model === 'nvme') props.serial = device.id;
      break;
    }
    case 'net': {
      const netdev: Record<string, OptionValue> = { type: 'user', id: netdevId(device.id) };
      if (device.backend.hostForwards.length > 0) {
        // Bound to loopback: a forward must never expose the guest to the network.
        netdev.hostfwd = device.backend.hostForwards.map((f) => ({
          str: `${f.protocol}:127.0.0.1:${f.hostPort}-:${f.guestPort}`,
        }));
      }
      args.push(json('-netdev', 'type', netdev));
      props.netdev = netdevId(device.id);
      if (device.mac !== undefined) props.mac = device.mac.toLowerCase();
      break;
    }
    case 'storage':
    case 'display':
    case 'other':
      break;
  }
  args.push(json('-device', 'driver', props));
  if (device.family === 'storage') {
    for (const drive of drives) {
      args.push(...blockdevArgs(drive));
      const child: Record<string, OptionValue> = {
        driver: drive.model,
        id: drive.id,
        bus: `${device.id}.0`,
        'scsi-id': drive.scsiId ?? 0,
        lun: drive.lun ?? 0,
        drive: formatNodeName(drive.id),
      };
      if (opts.bootDrive === drive.id) child.bootindex = 0;
      args.push(json('-device', 'driver', child));
    }
  }
  return args;
}
