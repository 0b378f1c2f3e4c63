/**
 * The main QEMU's settings (name, machine, accelerator, memory, vCPUs, kernel boot, serial) and
 * the options mpqemu always writes itself (sockets, sandbox, display, VNC), which are recognised and
 * consumed so they do not show up as extra arguments.
 */
import { DEFAULT_SPARE_CHANNELS, type Vm } from '../schema.ts';
import { pending, type ImportContext, type ProcessDraft } from './context.ts';
import { parseSize, propText } from './qemu-opts.ts';

const MIB = 1024 * 1024;

/** Versioned machine types map to the two we model; anything else is reported. */
function machineType(type: string): Vm['machine'] | null {
  if (type === 'pc' || /^pc-i440fx-[\d.]+$/.test(type)) return 'pc';
  if (type === 'q35' || /^pc-q35-[\d.]+$/.test(type)) return 'q35';
  return null;
}

/** Options that mpqemu rebuilds for every launch, in any process. */
export function absorbOrchestration(ctx: ImportContext, draft: ProcessDraft): void {
  const rebuilt = new Set(['-nodefaults', '-no-user-config', '-sandbox', '-nographic']);
  for (const opt of draft.options) {
    const { flag, arg } = opt.option;
    const value = arg?.text;
    if (opt.consumed) continue;
    if (rebuilt.has(flag) || (flag === '-display' && value === 'none')) {
      opt.consumed = true;
    } else if (
      flag === '-monitor' ||
      flag === '-display' ||
      (flag === '-vga' && value === 'none')
    ) {
      opt.consumed = true;
      if (value !== 'none') {
        ctx.issue(
          'info',
          `${flag} ${value ?? ''}: mpqemu runs QEMU headless with QMP`,
          arg ?? undefined,
        );
      }
    } else if (flag === '-vnc') {
      // The plan serves a display's screen on the run directory's socket, never on a port.
      opt.consumed = true;
      if (!value?.startsWith('unix:')) {
        ctx.issue(
          'info',
          `-vnc ${value ?? ''}: mpqemu serves the screen of a display device on a unix socket of the run, never on a TCP port`,
          arg ?? undefined,
        );
      }
    } else if (flag === '-mon' && opt.props) {
      opt.consumed = true;
      const chardev = propText(opt.props, 'chardev');
      for (const c of pending(draft, '-chardev')) {
        if (c.props?.id === chardev) c.consumed = true;
      }
    }
  }
}

/** `-serial`: true unless `none`; a `chardev:ID` target's chardev is ours to recreate. */
function serialOf(ctx: ImportContext, draft: ProcessDraft): boolean {
  let serial = true;
  for (const opt of pending(draft, '-serial')) {
    opt.consumed = true;
    const value = opt.option.arg?.text ?? '';
    serial = value !== 'none';
    if (value.startsWith('chardev:')) {
      for (const c of pending(draft, '-chardev')) {
        if (c.props?.id === value.slice('chardev:'.length)) c.consumed = true;
      }
    } else if (serial) {
      ctx.issue(
        'info',
        `-serial ${value}: the console goes to mpqemu's serial socket`,
        opt.option.arg ?? undefined,
      );
    }
  }
  return serial;
}

/** The VM section from the main QEMU's options. */
export function importVm(ctx: ImportContext, main: ProcessDraft): Vm {
  const vm: Vm = {
    name: 'imported',
    machine: 'pc',
    accel: 'tcg',
    cpus: 1,
    memoryMiB: 128,
    boot: { kind: 'none' },
    serial: serialOf(ctx, main),
    spareChannels: DEFAULT_SPARE_CHANNELS,
  };
  let memorySet = false;
  const take = (flag: string) => {
    const list = pending(main, flag);
    for (const o of list) o.consumed = true;
    return list;
  };
  for (const o of take('-name')) vm.name = propText(o.props ?? {}, 'guest') ?? vm.name;
  for (const o of take('-machine')) {
    const props = o.props ?? {};
    const type = propText(props, 'type');
    const machine = type === undefined ? null : machineType(type);
    if (machine) vm.machine = machine;
    else
      ctx.issue(
        'warning',
        `machine "${type ?? ''}" is not pc or q35: pc used`,
        o.option.arg ?? undefined,
      );
    const accel = propText(props, 'accel');
    if (accel !== undefined) vm.accel = accel.startsWith('kvm') ? 'kvm' : 'tcg';
    ctx.ignoredKeys(
      props,
      ['type', 'accel', 'memory-backend'],
      '-machine',
      o.option.arg ?? undefined,
    );
  }
  for (const o of take('-accel')) {
    const props = o.props ?? {};
    vm.accel = propText(props, 'accel') === 'kvm' ? 'kvm' : 'tcg';
    ctx.ignoredKeys(props, ['accel'], '-accel', o.option.arg ?? undefined);
  }
  if (take('-enable-kvm').length > 0) vm.accel = 'kvm';
  for (const o of take('-m')) {
    const bytes = parseSize(o.option.arg?.text.replace(/^size=/, '') ?? '', 'm');
    if (bytes === null) ctx.issue('error', 'memory size not understood', o.option.arg ?? undefined);
    else {
      vm.memoryMiB = Math.max(1, Math.round(bytes / MIB));
      memorySet = true;
    }
  }
  for (const o of take('-smp')) {
    const props = o.props ?? {};
    const parts = ['sockets', 'cores', 'threads'].map((k) => Number(propText(props, k) ?? 1));
    const cpus = Number(propText(props, 'cpus') ?? parts.reduce((a, b) => a * b, 1));
    if (Number.isInteger(cpus) && cpus >= 1) vm.cpus = cpus;
    else ctx.issue('error', 'vCPU count not understood', o.option.arg ?? undefined);
    ctx.ignoredKeys(
      props,
      ['cpus', 'sockets', 'cores', 'threads', 'maxcpus'],
      '-smp',
      o.option.arg ?? undefined,
    );
  }
  for (const o of pending(main, '-object')) {
    const props = o.props ?? {};
    if (propText(props, 'qom-type') !== 'memory-backend-memfd') continue;
    o.consumed = true;
    const size = parseSize(propText(props, 'size') ?? '');
    // The upstream doc sets RAM only through the memfd (`size=2G`).
    if (size !== null && !memorySet) vm.memoryMiB = Math.round(size / MIB);
  }
  const kernel = take('-kernel')[0]?.option.arg?.text;
  const initrd = take('-initrd')[0]?.option.arg?.text ?? '';
  const append = take('-append')[0]?.option.arg?.text ?? '';
  if (kernel !== undefined) vm.boot = { kind: 'kernel', kernel, initrd, append };
  return vm;
}

/** A remote process: its `-machine x-remote` and `-name`, consumed; returns the name's guest. */
export function importRemoteHeader(ctx: ImportContext, draft: ProcessDraft): string | undefined {
  for (const o of pending(draft, '-machine')) {
    o.consumed = true;
    ctx.ignoredKeys(o.props ?? {}, ['type'], '-machine x-remote', o.option.arg ?? undefined);
  }
  for (const o of pending(draft, '-serial')) {
    if (o.option.arg?.text === 'none') o.consumed = true;
  }
  const name = pending(draft, '-name')[0];
  if (name) name.consumed = true;
  return name?.props ? propText(name.props, 'guest') : undefined;
}
