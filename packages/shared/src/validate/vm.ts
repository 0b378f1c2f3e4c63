import { VM_NODE_ID } from '../problems.ts';
import type { ValidationContext } from './context.ts';
import { pathProblem, unsafeTextProblem } from './paths.ts';
import { show } from './show.ts';

export const MIN_MEMORY_MIB = 16;
export const MAX_MEMORY_MIB = 1024 * 1024;
export const MAX_CPUS = 255;
/** Characters QEMU's `-name guest=` takes without surprises; shown in process lists and QMP. */
const VM_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;
const MAX_APPEND = 4096;

/** The main QEMU: name, size, accelerator and boot source. */
export function checkVm(ctx: ValidationContext): void {
  const { vm } = ctx.topology;
  const node = [VM_NODE_ID];
  if (!VM_NAME_PATTERN.test(vm.name)) {
    ctx.report(
      'error',
      'vm.name',
      'VM name: 1-64 letters, digits, spaces, ".", "_" or "-", starting with a letter or digit',
      'vm.name',
      node,
    );
  }
  if (vm.memoryMiB < MIN_MEMORY_MIB || vm.memoryMiB > MAX_MEMORY_MIB) {
    ctx.report(
      'error',
      'memory.range',
      `memory must be ${MIN_MEMORY_MIB} MiB to ${MAX_MEMORY_MIB} MiB (1 TiB); got ${vm.memoryMiB} MiB`,
      'vm.memoryMiB',
      node,
    );
  } else if (ctx.caps.hostMemoryMiB !== null && vm.memoryMiB > ctx.caps.hostMemoryMiB) {
    ctx.report(
      'warning',
      'memory.host',
      `${vm.memoryMiB} MiB is more than this host's ${ctx.caps.hostMemoryMiB} MiB of RAM`,
      'vm.memoryMiB',
      node,
    );
  }
  if (vm.cpus > MAX_CPUS) {
    ctx.report('error', 'vm.cpus', `vCPUs must be 1-${MAX_CPUS}; got ${vm.cpus}`, 'vm.cpus', node);
  }
  if (!ctx.caps.machines.includes(vm.machine)) {
    ctx.report(
      'error',
      'vm.machine',
      `${ctx.caps.binary} has no "${vm.machine}" machine`,
      'vm.machine',
      node,
    );
  }
  const accel = ctx.caps.accels[vm.accel];
  if (!accel.present) {
    ctx.report(
      'error',
      'accel.absent',
      `accelerator ${vm.accel} is not available: ${accel.reason ?? 'not in this QEMU'}`,
      'vm.accel',
      node,
    );
  } else if (!accel.usable) {
    ctx.report(
      'warning',
      'accel.unusable',
      `accelerator ${vm.accel} is present but did not boot a test guest: ${accel.reason ?? 'unknown reason'}; the VM will probably hang`,
      'vm.accel',
      node,
    );
  }
  checkBoot(ctx);
}

function checkBoot(ctx: ValidationContext): void {
  const { boot } = ctx.topology.vm;
  const node = [VM_NODE_ID];
  switch (boot.kind) {
    case 'none':
      ctx.report(
        'warning',
        'boot.none',
        'the VM has no boot source (kernel or disk); it will stop in the firmware',
        'vm.boot',
        node,
      );
      return;
    case 'kernel': {
      if (boot.kernel === '') {
        const what =
          boot.initrd !== '' ? 'an initrd is given without a kernel' : 'no kernel is given';
        ctx.report(
          'error',
          'boot.contradictory',
          `boot from kernel, but ${what}; set the kernel image path`,
          'vm.boot.kernel',
          node,
        );
      } else {
        const p = pathProblem(boot.kernel);
        if (p) ctx.report('error', 'boot.kernel-path', `kernel path ${p}`, 'vm.boot.kernel', node);
      }
      if (boot.initrd !== '') {
        const p = pathProblem(boot.initrd);
        if (p) ctx.report('error', 'boot.initrd-path', `initrd path ${p}`, 'vm.boot.initrd', node);
      }
      const appendProblem =
        boot.append.length > MAX_APPEND
          ? `is longer than ${MAX_APPEND} characters`
          : unsafeTextProblem(boot.append);
      if (appendProblem) {
        ctx.report(
          'error',
          'boot.append',
          `kernel command line ${appendProblem}; it must be one line of at most ${MAX_APPEND} characters`,
          'vm.boot.append',
          node,
        );
      }
      return;
    }
    case 'disk': {
      const entry = ctx.driveIndex.get(boot.drive);
      if (!entry) {
        ctx.report(
          'error',
          'boot.unknown-drive',
          `boot drive ${show(boot.drive)} does not exist; pick one of the drives`,
          'vm.boot.drive',
          node,
        );
        return;
      }
      if (entry.drive.attachedTo === null) {
        ctx.report(
          'error',
          'boot.contradictory',
          `boot drive ${show(boot.drive)} is not attached to any controller`,
          'vm.boot.drive',
          [...node, boot.drive],
        );
        return;
      }
      const parent = ctx.deviceIndex.get(entry.drive.attachedTo)?.device;
      if (parent?.placement.kind === 'remote') {
        ctx.report(
          'warning',
          'boot.proxied-disk',
          `boot drive ${show(boot.drive)} is behind a proxied device; firmware boot through a remote process is untested`,
          'vm.boot.drive',
          [...node, boot.drive],
        );
      }
    }
  }
}
