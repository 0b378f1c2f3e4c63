import type { ProcessInfo } from '@mpqemu/shared';

/**
 * The remote process that emulates each proxied device, by qdev id: where the real vendor:device
 * of a device the main QEMU shows as 0000:0000 can be read.
 */
export function remoteOfDevice(processes: readonly ProcessInfo[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const p of processes) {
    if (p.role === 'remote') for (const d of p.devices) map.set(d, p.name);
  }
  return map;
}
