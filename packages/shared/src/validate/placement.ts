import { hasDeviceModel } from '../capabilities.ts';
import { deviceModel } from '../catalogue.ts';
import { proxySupport } from '../measured.ts';
import { VM_NODE_ID } from '../problems.ts';
import type { ValidationContext } from './context.ts';
import { show } from './show.ts';

export const TCG_PROXY_WARNING =
  'enumeration only, no interrupts, I/O will hang: proxied devices get no interrupts under TCG (QEMU 7.2); choose the kvm accelerator for I/O';

/** Where devices live: known processes, available models, and the limits of the 7.2 proxy. */
export function checkPlacement(ctx: ValidationContext): void {
  const { topology, caps } = ctx;
  const proxied: string[] = [];
  topology.devices.forEach((device, i) => {
    const info = deviceModel(device.model);
    if (!hasDeviceModel(caps, device.model)) {
      ctx.report(
        'error',
        'model.unavailable',
        `${device.model} is not built into ${caps.binary}${caps.version ? ` ${caps.version}` : ''}`,
        `devices[${i}].model`,
        [device.id],
      );
    }
    if (device.placement.kind !== 'remote') return;
    const processId = device.placement.process;
    if (!ctx.processIndex.has(processId)) {
      ctx.report(
        'error',
        'placement.unknown-process',
        `${show(device.id)} is placed in remote process ${show(processId)}, which does not exist`,
        `devices[${i}].placement.process`,
        [device.id],
      );
      return;
    }
    proxied.push(device.id);
    const proxy = info ? proxySupport(device.model, caps, topology.vm.machine) : undefined;
    if (proxy?.status === 'unsupported') {
      ctx.report(
        'error',
        'proxy.unsupported',
        `${device.model} cannot run in a remote process: ${proxy.reason} Keep it in the main QEMU.`,
        `devices[${i}].placement`,
        [device.id, processId],
      );
    } else if (proxy?.status === 'untested') {
      ctx.report(
        'warning',
        'proxy.untested',
        `${device.model} has not been verified as a proxied device on QEMU 7.2`,
        `devices[${i}].placement`,
        [device.id],
      );
    }
  });

  topology.processes.forEach((process, i) => {
    const devices = ctx.devicesByProcess.get(process.id) ?? [];
    if (devices.length === 0) {
      ctx.report(
        'warning',
        'remote.empty',
        `remote process ${show(process.id)} has no device; it will not be started`,
        `processes[${i}]`,
        [process.id],
      );
    } else if (devices.length > 1) {
      const ids = devices.map((d) => d.device.id);
      ctx.report(
        'error',
        'remote.multiple-devices',
        `remote process ${show(process.id)} holds ${devices.length} PCI devices (${ids.map(show).join(', ')}); QEMU 7.2 allows one proxied device per remote process ("Reached maximum number of devices: 1") and the main QEMU then hangs. Move all but one to their own remote process.`,
        `processes[${i}]`,
        [process.id, ...ids],
      );
    }
  });

  if (proxied.length === 0) return;
  if (!caps.remote) {
    ctx.report(
      'error',
      'remote.unsupported',
      `${caps.binary} has no x-remote machine, so devices cannot run in remote processes`,
      'processes',
      [VM_NODE_ID],
    );
  }
  if (!caps.memfd) {
    ctx.report(
      'error',
      'memory.memfd-unsupported',
      `${caps.binary} has no memory-backend-memfd, which remote processes need to share guest RAM`,
      'vm.memoryMiB',
      [VM_NODE_ID],
    );
  }
  if (topology.vm.accel === 'tcg') {
    ctx.report('warning', 'proxy.tcg-no-interrupts', TCG_PROXY_WARNING, 'vm.accel', [
      VM_NODE_ID,
      ...proxied,
    ]);
  }
}
