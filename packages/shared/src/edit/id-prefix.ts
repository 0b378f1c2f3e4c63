/**
 * How new ids are named, the same in the designer and the importer: one prefix per model in the
 * spirit of QEMU's own examples (`lsi0`, `nic0`), numbered from 0.
 */
import type { Topology } from '../schema.ts';

const ID_PREFIX: Readonly<Record<string, string>> = {
  lsi53c895a: 'lsi',
  megasas: 'megasas',
  'virtio-scsi-pci': 'vscsi',
  'virtio-blk-pci': 'vblk',
  nvme: 'nvme',
  e1000e: 'nic',
  'virtio-net-pci': 'vnet',
  VGA: 'vga',
  'bochs-display': 'bochs',
  'virtio-vga': 'vvga',
  'virtio-gpu-pci': 'vgpu',
  'pci-testdev': 'testdev',
  'scsi-hd': 'disk',
  'scsi-cd': 'cd',
  'disk-image': 'img',
};

/** The prefix of remote process ids (`rp0`, `rp1`). */
export const PROCESS_PREFIX = 'rp';

/** The id prefix for a device or drive model (`dev` for a model the catalogue does not know). */
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
