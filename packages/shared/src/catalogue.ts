/**
 * The device catalogue: what each model is, what it accepts, and how far multi-process QEMU 7.2
 * supports proxying it. Every proxy fact here was measured (docs/qemu-facts.md: "Limits", and
 * "Measured by mpqemu doctor"); the validator, the planner and the UI all read this table instead of
 * special-casing models. A host's own doctor results override it (proxySupport).
 */

export type DeviceFamily = 'storage' | 'block' | 'net' | 'display' | 'other';
export type DriveModel = 'scsi-hd' | 'scsi-cd' | 'disk-image';
export type ChildBus = 'scsi' | 'drive-slot';

export type ProxySupport =
  | { status: 'verified'; note: string }
  | { status: 'untested'; note: string }
  | { status: 'unsupported'; reason: string };

export interface DeviceModelInfo {
  model: string;
  family: DeviceFamily;
  label: string;
  description: string;
  /** PCI vendor:device as the guest reports it, when known. */
  pciId?: string;
  /** What drives this model accepts as children, if any. */
  accepts?: {
    bus: ChildBus;
    /** Drive models allowed on the bus. */
    drives: readonly DriveModel[];
    /** Highest SCSI target id (inclusive); SCSI buses only. */
    maxScsiId?: number;
    /** Highest LUN (inclusive); SCSI buses only. */
    maxLun?: number;
    /** Ids the controller itself occupies (the LSI's initiator is target 7). */
    reservedScsiIds?: readonly number[];
    /** drive-slot: exactly one drive. */
    maxChildren?: number;
  };
  proxy: ProxySupport;
}

export interface DriveModelInfo {
  model: DriveModel;
  label: string;
  description: string;
  bus: ChildBus;
  /** A CD is always read-only. */
  forcedReadOnly?: boolean;
}

const SCSI_DRIVES = ['scsi-hd', 'scsi-cd'] as const;

/**
 * Why a display stays in the main QEMU: the screen the user sees (VNC, QMP screendump) is the
 * console of the QEMU that emulates the card, and a remote process has none (`-display none`);
 * the proxy forwards BARs only, not VGA's legacy ports and memory window. Not measured as a proxy.
 */
export const DISPLAY_IN_MAIN =
  "Its screen is the console of the QEMU that emulates it, and only the main QEMU has one (VNC and screendump); the proxy also forwards PCI BARs only, not VGA's legacy ports and memory window.";

// `as const` keeps each model name and family literal, so the per-family lists below (and the
// schema's enums built from them) are derived from this one table.
const CATALOGUE = [
  {
    model: 'lsi53c895a',
    family: 'storage',
    label: 'LSI 53C895A SCSI',
    description: 'Parallel SCSI controller; the upstream multi-process example.',
    pciId: '1000:0012',
    // QEMU's lsi53c895a: 7 targets (0-6, 7 is the initiator), LUN 0 only.
    accepts: { bus: 'scsi', drives: SCSI_DRIVES, maxScsiId: 6, maxLun: 0, reservedScsiIds: [7] },
    proxy: {
      status: 'verified',
      note: 'Proxied with a scsi-hd child; the guest enumerates it. Doctor (QEMU 7.2, TCG, pc and q35): hot-plug, unplug and restart of its process work; I/O needs KVM.',
    },
  },
  {
    model: 'megasas',
    family: 'storage',
    label: 'MegaRAID SAS 1078',
    description: 'LSI MegaRAID SAS controller.',
    pciId: '1000:0060',
    accepts: { bus: 'scsi', drives: SCSI_DRIVES, maxScsiId: 63, maxLun: 7 },
    proxy: {
      status: 'verified',
      note: 'Measured by mpqemu doctor on QEMU 7.2, TCG, pc and q35 (docs/qemu-facts.md): the guest enumerates 1000:0060; hot-plug, unplug and restart work; I/O needs KVM.',
    },
  },
  {
    model: 'virtio-scsi-pci',
    family: 'storage',
    label: 'virtio-scsi',
    description: 'Paravirtual SCSI controller.',
    pciId: '1af4:1004',
    accepts: { bus: 'scsi', drives: SCSI_DRIVES, maxScsiId: 255, maxLun: 16383 },
    proxy: {
      status: 'verified',
      note: 'Measured by mpqemu doctor on QEMU 7.2, TCG, pc and q35 (docs/qemu-facts.md): the guest enumerates 1af4:1004; hot-plug, unplug and restart work; I/O needs KVM.',
    },
  },
  {
    model: 'virtio-blk-pci',
    family: 'block',
    label: 'virtio-blk',
    description: 'Paravirtual block device with its own disk image.',
    pciId: '1af4:1001',
    accepts: { bus: 'drive-slot', drives: ['disk-image'], maxChildren: 1 },
    proxy: {
      status: 'verified',
      note: 'Enumerates when proxied; I/O needs interrupts (KVM). Doctor (QEMU 7.2, TCG): hot-plug, unplug and restart work on pc; on q35 the unplug never completes once the guest driver has bound the device (no DEVICE_DELETED).',
    },
  },
  {
    model: 'nvme',
    family: 'block',
    label: 'NVMe controller',
    description: 'NVM Express controller with one namespace on its disk image.',
    pciId: '1b36:0010',
    accepts: { bus: 'drive-slot', drives: ['disk-image'], maxChildren: 1 },
    proxy: {
      status: 'unsupported',
      reason:
        'Uses MSI-X, which the remote process cannot deliver ("MSI-X is not supported by interrupt controller"); the guest hangs at boot (doctor, QEMU 7.2, pc and q35: no PCI list within 60 s).',
    },
  },
  {
    model: 'e1000e',
    family: 'net',
    label: 'Intel 82574L (e1000e)',
    description: 'Emulated gigabit NIC.',
    pciId: '8086:10d3',
    proxy: {
      status: 'verified',
      note: 'Proxied with a user-mode netdev in the remote process. Doctor (QEMU 7.2, TCG, pc and q35): hot-plug, unplug and restart of its process work.',
    },
  },
  {
    model: 'virtio-net-pci',
    family: 'net',
    label: 'virtio-net',
    description: 'Paravirtual NIC.',
    pciId: '1af4:1000',
    proxy: {
      status: 'verified',
      note: 'Measured by mpqemu doctor on QEMU 7.2, TCG, pc and q35 (docs/qemu-facts.md): the guest enumerates 1af4:1000; hot-plug, unplug and restart work; I/O needs KVM.',
    },
  },
  {
    model: 'VGA',
    family: 'display',
    label: 'Standard VGA',
    description: 'Bochs VBE VGA with legacy text mode: the screen any guest can draw on.',
    pciId: '1234:1111',
    proxy: { status: 'unsupported', reason: DISPLAY_IN_MAIN },
  },
  {
    model: 'bochs-display',
    family: 'display',
    label: 'Bochs display',
    description: 'Framebuffer without legacy VGA; the guest needs the bochs DRM driver to draw.',
    pciId: '1234:1111',
    proxy: { status: 'unsupported', reason: DISPLAY_IN_MAIN },
  },
  {
    model: 'virtio-vga',
    family: 'display',
    label: 'virtio-vga',
    description: 'Paravirtual GPU with a VGA-compatible text mode for boot.',
    pciId: '1af4:1050',
    proxy: { status: 'unsupported', reason: DISPLAY_IN_MAIN },
  },
  {
    model: 'virtio-gpu-pci',
    family: 'display',
    label: 'virtio-gpu',
    description: 'Paravirtual GPU without VGA; the guest needs the virtio-gpu driver to draw.',
    pciId: '1af4:1050',
    proxy: { status: 'unsupported', reason: DISPLAY_IN_MAIN },
  },
  {
    model: 'pci-testdev',
    family: 'other',
    label: 'PCI test device',
    description: 'QEMU PCI test device, useful to check enumeration.',
    pciId: '1b36:0005',
    proxy: {
      status: 'verified',
      note: 'Measured by mpqemu doctor on QEMU 7.2, TCG, pc and q35 (docs/qemu-facts.md): the guest enumerates 1b36:0005; hot-plug, unplug and restart work.',
    },
  },
] as const satisfies readonly DeviceModelInfo[];

export const DEVICE_MODELS: readonly DeviceModelInfo[] = CATALOGUE;

export const DRIVE_MODELS: readonly DriveModelInfo[] = [
  {
    model: 'scsi-hd',
    label: 'SCSI disk',
    description: 'A disk on a SCSI controller.',
    bus: 'scsi',
  },
  {
    model: 'scsi-cd',
    label: 'SCSI CD-ROM',
    description: 'A read-only CD on a SCSI controller.',
    bus: 'scsi',
    forcedReadOnly: true,
  },
  {
    model: 'disk-image',
    label: 'Disk image',
    description: 'The image behind a virtio-blk or NVMe device.',
    bus: 'drive-slot',
  },
];

const deviceIndex = new Map<string, DeviceModelInfo>(DEVICE_MODELS.map((m) => [m.model, m]));
const driveIndex = new Map<string, DriveModelInfo>(DRIVE_MODELS.map((m) => [m.model, m]));

export function deviceModel(model: string): DeviceModelInfo | undefined {
  return deviceIndex.get(model);
}

export function driveModel(model: string): DriveModelInfo | undefined {
  return driveIndex.get(model);
}

export const DEVICE_MODEL_NAMES = DEVICE_MODELS.map((m) => m.model);

type ModelOf<F extends DeviceFamily> = Extract<(typeof CATALOGUE)[number], { family: F }>['model'];

/** The models of one family, in catalogue order, typed as a non-empty tuple for `z.enum`. */
function modelsOf<F extends DeviceFamily>(family: F): readonly [ModelOf<F>, ...ModelOf<F>[]] {
  const models = CATALOGUE.filter((m) => m.family === family).map((m) => m.model);
  return models as unknown as readonly [ModelOf<F>, ...ModelOf<F>[]];
}

/** Family → models, for the schema's discriminated union. */
export const STORAGE_MODELS = modelsOf('storage');
export const BLOCK_MODELS = modelsOf('block');
export const NET_MODELS = modelsOf('net');
export const DISPLAY_MODELS = modelsOf('display');
export const OTHER_MODELS = modelsOf('other');

/** Image formats we accept; always passed explicitly, never probed. */
export const IMAGE_FORMATS = ['raw', 'qcow2'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];
/** Formats whose driver has a backing option, which we always pin to null. */
export const FORMATS_WITH_BACKING: readonly ImageFormat[] = ['qcow2'];
