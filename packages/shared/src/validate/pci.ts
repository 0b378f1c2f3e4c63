import { VM_NODE_ID } from '../problems.ts';
import type { ValidationContext } from './context.ts';
import { show } from './show.ts';

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
  // Every device sits on bus 0 of the main QEMU, a proxied one through its proxy; there are no
  // bridges, so 32 slots less the chipset's is all there is ("no slot/function available").
  const free = 32 - reserved.length;
  if (ctx.topology.devices.length > free) {
    ctx.report(
      'error',
      'pci.slots-exhausted',
      `${ctx.topology.devices.length} PCI devices, but the ${ctx.topology.vm.machine} machine has ${free} free slots on its bus; remove ${ctx.topology.devices.length - free}`,
      'devices',
      [VM_NODE_ID],
    );
  }
  const taken = new Map<number, string>();
  ctx.topology.devices.forEach((device, i) => {
    if (device.slot === undefined) return;
    const at = `devices[${i}].slot`;
    if (reserved.includes(device.slot)) {
      ctx.report(
        'error',
        'pci.slot-reserved',
        `slot ${hex(device.slot)} of ${show(device.id)} is taken by the ${ctx.topology.vm.machine} chipset; use ${freeRange(reserved)} or leave it empty for automatic`,
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
        `${show(device.id)} and ${show(other)} both ask for PCI slot ${hex(device.slot)}`,
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
