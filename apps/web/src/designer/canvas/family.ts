import type { DeviceFamily } from '@mpqemu/shared';

/** Short tags and names per family; colours live in CSS as `--fam-<family>`. */
export const FAMILY_TAG: Record<DeviceFamily | 'drive', string> = {
  storage: 'SCSI',
  block: 'BLK',
  net: 'NET',
  display: 'VGA',
  other: 'PCI',
  drive: 'DISK',
};

export const FAMILY_NAME: Record<DeviceFamily, string> = {
  storage: 'Storage controllers',
  block: 'Block devices',
  net: 'Network',
  display: 'Display',
  other: 'Other PCI',
};

export function slotText(slot: number | undefined): string {
  return slot === undefined ? 'slot auto' : `00:${slot.toString(16).padStart(2, '0')}.0`;
}
