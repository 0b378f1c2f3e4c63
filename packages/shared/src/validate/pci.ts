import { VM_NODE_ID } from '../problems.ts';
import type { ValidationContext } from './context.ts';

/**
 * Slots the machine itself occupies on bus 0: the host bridge, PIIX3 on `pc`, ICH9's LPC/SATA/SMBus
 * functions on `q35`.
 */
export const RESERVED_SLOTS: Record<'pc' | 'q35', readonly number[]> = {
  pc: [0, 1],
  q35: [0, 31],
};

/** Explicit PCI slots on the main QEMU's bus 0 (a proxied device's slot is its proxy's). */
export function checkPciSlots(ctx: ValidationContext): void {
  const reserved = RESERVED_SLOTS[ctx.topology.vm.machine];
  const taken = new Map<number, string>();
  ctx.topology.devices.forEach((device, i) => {
    if (device.slot === undefined) return;
    const at = `devices[${i}].slot`;
    if (reserved.includes(device.slot)) {
      ctx.report(
        'error',
        'pci.slot-reserved',
        `slot ${hex(device.slot)} of ${device.id} is taken by the ${ctx.topology.vm.machine} chipset; use ${freeRange(reserved)} or leave it empty for automatic`,
        at,
        [device.id, VM_NODE_ID],
      );
      return;
    }
    const other = taken.get(device.slot);
    if (other !== undefined) {
      ctx.report(
        'error',
        'pci.slot-clash',
        `${device.id} and ${other} both ask for PCI slot ${hex(device.slot)}`,
        at,
        [device.id, other],
      );
    } else {
      taken.set(device.slot, device.id);
    }
  });
}

function hex(slot: number): string {
  return `0x${slot.toString(16)}`;
}

function freeRange(reserved: readonly number[]): string {
  const free = Array.from({ length: 32 }, (_, i) => i).filter((s) => !reserved.includes(s));
  return `${hex(free[0] ?? 0)}-${hex(free[free.length - 1] ?? 31)}`;
}
