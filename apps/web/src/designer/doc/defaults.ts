import {
  BLOCK_MODELS,
  DEFAULT_SPARE_CHANNELS,
  deviceModel,
  driveModel,
  NET_MODELS,
  OTHER_MODELS,
  STORAGE_MODELS,
  TOPOLOGY_VERSION,
  type Device,
  type DriveModel,
  type Drive,
  type Placement,
  type Topology,
} from '@mpqemu/shared';

/** Id prefixes per model, in the spirit of QEMU's own examples (`lsi0`, `nic0`). */
const ID_PREFIX: Record<string, string> = {
  lsi53c895a: 'lsi',
  megasas: 'megasas',
  'virtio-scsi-pci': 'vscsi',
  'virtio-blk-pci': 'vblk',
  nvme: 'nvme',
  e1000e: 'nic',
  'virtio-net-pci': 'vnet',
  'pci-testdev': 'testdev',
  'scsi-hd': 'disk',
  'scsi-cd': 'cd',
  'disk-image': 'img',
};

export const PROCESS_PREFIX = 'rp';

export function idPrefix(model: string): string {
  return ID_PREFIX[model] ?? 'dev';
}

/** Every id in the document: processes, devices and drives share one namespace in argv. */
export function allIds(t: Topology): string[] {
  return [
    ...t.processes.map((p) => p.id),
    ...t.devices.map((d) => d.id),
    ...t.drives.map((d) => d.id),
  ];
}

const includes = <T extends string>(list: readonly T[], v: string): v is T =>
  (list as readonly string[]).includes(v);

/** A device of `model` with the catalogue's family and the defaults the schema needs. */
export function newDevice(model: string, id: string, placement: Placement): Device | null {
  if (includes(STORAGE_MODELS, model)) return { id, family: 'storage', model, placement };
  if (includes(BLOCK_MODELS, model)) return { id, family: 'block', model, placement };
  if (includes(NET_MODELS, model))
    return { id, family: 'net', model, placement, backend: { type: 'user', hostForwards: [] } };
  if (includes(OTHER_MODELS, model)) return { id, family: 'other', model, placement };
  return null;
}

export function newDrive(model: DriveModel, id: string): Drive {
  return {
    id,
    model,
    image: { path: '', format: 'raw', readOnly: driveModel(model)?.forcedReadOnly === true },
    attachedTo: null,
  };
}

/** Whether the catalogue lets `model` run in a remote process at all. */
export function canProxy(model: string): boolean {
  return deviceModel(model)?.proxy.status !== 'unsupported';
}

/** The document a fresh designer starts from when the server offers nothing. */
export function emptyTopology(): Topology {
  return {
    version: TOPOLOGY_VERSION,
    vm: {
      name: 'untitled',
      machine: 'pc',
      accel: 'tcg',
      cpus: 1,
      memoryMiB: 256,
      boot: { kind: 'none' },
      serial: true,
      spareChannels: DEFAULT_SPARE_CHANNELS,
    },
    processes: [],
    devices: [],
    drives: [],
    layout: {},
  };
}
