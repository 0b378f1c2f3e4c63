/**
 * Pasted QEMU command lines → a topology. Remote processes (`-machine x-remote`) are paired with
 * the main QEMU's `x-pci-proxy-dev` by device id; socket numbers are not kept because mpqemu
 * creates the socketpairs itself. Whatever is not understood is returned as extra arguments.
 */
import { zodErrors } from '../field-errors.ts';
import { PROCESS_PREFIX } from '../edit/id-prefix.ts';
import { isValidId, nextFreeId } from '../ids.ts';
import { TOPOLOGY_VERSION, TopologySchema, type TopologyInput } from '../schema.ts';
import { toQemuCommands, type QemuCommand } from './commands.ts';
import { ImportContext, type ParsedOption, type ProcessDraft } from './context.ts';
import { importDevices, reportChannel, type DeviceSink } from './devices.ts';
import { propText } from './qemu-opts.ts';
import { splitShellWords } from './shell-words.ts';
import type { ImportResult } from './types.ts';
import { absorbOrchestration, importRemoteHeader, importVm } from './vm.ts';

const LEFTOVER_REASONS: Record<string, string> = {
  '-device': 'device model not in the catalogue, or its drive could not be read',
  '-drive': 'drive not used by a device, or not simple enough',
  '-blockdev': 'block node not used by any device',
  '-netdev': 'netdev not used by a NIC, or not user-mode',
  '-object': 'object type not supported',
  '-chardev': 'character device not used by the monitor or the serial port',
};

function isRemote(options: ParsedOption[]): boolean {
  return options.some(
    (o) => o.option.flag === '-machine' && o.props && propText(o.props, 'type') === 'x-remote',
  );
}

function drafts(ctx: ImportContext, commands: QemuCommand[]) {
  const remotes: ProcessDraft[] = [];
  const main: ProcessDraft = { name: 'main', role: 'main', options: [], stray: [] };
  let mainBinaries = 0;
  for (const cmd of commands) {
    const options = cmd.options.map((o) => ctx.parse(o));
    if (isRemote(options)) {
      remotes.push({ name: '', role: 'remote', options, stray: cmd.stray });
    } else {
      // Bare option lines (the upstream doc's proxy options) belong to the main QEMU.
      main.options.push(...options);
      main.stray.push(...cmd.stray);
      if (cmd.binary) mainBinaries++;
      if (mainBinaries === 2 && cmd.binary) {
        ctx.issue('warning', 'a second main QEMU command line: merged with the first', cmd.binary);
      }
    }
  }
  return { main, remotes, hasMain: main.options.length > 0 };
}

/**
 * The longest text imported: 4 Mi characters, four times a paste of 16,000 NICs (1 MB, about
 * 1 s here). Beyond it the import says so rather than keep a browser tab or the server busy.
 */
export const MAX_IMPORT_CHARS = 4 * 1024 * 1024;

/** Imports command lines in classic or JSON option syntax (see docs/cli.md for the rules). */
export function importCommandLines(text: string): ImportResult {
  if (text.length > MAX_IMPORT_CHARS) {
    const mib = (n: number) => (n / (1024 * 1024)).toFixed(1);
    const message = `the text is ${mib(text.length)} Mi characters; at most ${mib(MAX_IMPORT_CHARS)} Mi can be imported: paste the QEMU command lines only`;
    return { topology: null, extraArgs: [], issues: [{ severity: 'error', message }] };
  }
  const split = splitShellWords(text);
  if (!split.ok) {
    const { message, span } = split.error;
    return { topology: null, extraArgs: [], issues: [{ severity: 'error', message, span }] };
  }
  const ctx = new ImportContext(text);
  const commands = toQemuCommands(split.commands);
  if (!commands.some((c) => c.options.length > 0)) {
    ctx.issue('error', 'no QEMU option found: paste qemu-system-x86_64 command lines');
    return { topology: null, extraArgs: [], issues: ctx.issues };
  }
  const { main, remotes, hasMain } = drafts(ctx, commands);
  if (!hasMain) ctx.issue('warning', 'no main QEMU options: VM settings are defaults');
  const vm = importVm(ctx, main);

  const taken = new Set<string>();
  for (const draft of remotes) {
    const guest = importRemoteHeader(ctx, draft);
    const suffix = guest?.startsWith(`${vm.name}-`) ? guest.slice(vm.name.length + 1) : '';
    draft.name =
      isValidId(suffix) && !taken.has(suffix) ? suffix : nextFreeId(PROCESS_PREFIX, taken);
    taken.add(draft.name);
  }
  const sink: DeviceSink = {
    devices: [],
    drives: [],
    proxies: [],
    remoteObjects: new Map(),
    bootDrive: undefined,
    taken,
  };
  for (const draft of [...remotes, main]) {
    absorbOrchestration(ctx, draft);
    importDevices(ctx, draft, sink);
  }
  pair(ctx, remotes, sink);
  for (const draft of [...remotes, main]) {
    for (const word of draft.stray) ctx.extraWords(draft.name, [word], 'not a QEMU option');
    for (const opt of draft.options) {
      if (opt.consumed) continue;
      const reason = LEFTOVER_REASONS[opt.option.flag] ?? 'option not modelled by mpqemu';
      ctx.extra(draft.name, opt, reason);
    }
  }
  if (vm.boot.kind === 'none' && sink.bootDrive !== undefined) {
    vm.boot = { kind: 'disk', drive: sink.bootDrive };
  }
  const input: TopologyInput = {
    version: TOPOLOGY_VERSION,
    vm,
    processes: remotes.map((r) => ({ id: r.name, label: '' })),
    devices: sink.devices,
    drives: sink.drives,
    layout: {},
  };
  // An error means the text itself is wrong: importing a partial reading of it would mislead.
  if (ctx.issues.some((i) => i.severity === 'error')) {
    return { topology: null, extraArgs: ctx.extraArgs, issues: ctx.issues };
  }
  const parsed = TopologySchema.safeParse(input);
  if (!parsed.success) {
    for (const e of zodErrors(parsed.error)) ctx.issue('error', `${e.path}: ${e.message}`);
    return { topology: null, extraArgs: ctx.extraArgs, issues: ctx.issues };
  }
  return { topology: parsed.data, extraArgs: ctx.extraArgs, issues: ctx.issues };
}

/** Gives each remote's proxied device the slot of the main QEMU's proxy with the same id. */
function pair(ctx: ImportContext, remotes: ProcessDraft[], sink: DeviceSink): void {
  const proxies = new Map(sink.proxies.map((p) => [p.id, p]));
  for (const draft of remotes) {
    const robj = sink.remoteObjects.get(draft.name);
    if (!robj) {
      ctx.issue(
        'warning',
        `remote process ${draft.name} has no x-remote-object`,
        draft.options[0]?.option.flagWord,
      );
      continue;
    }
    const device = sink.devices.find(
      (d) =>
        d.id === robj.devid && d.placement.kind === 'remote' && d.placement.process === draft.name,
    );
    const proxy = proxies.get(robj.devid);
    // Paired either way: the proxy has its remote process, whatever became of the device there.
    proxies.delete(robj.devid);
    if (!device) {
      ctx.issue(
        'warning',
        `x-remote-object devid=${robj.devid}: no such device in this process`,
        robj.word,
      );
      if (proxy) {
        ctx.extra(
          'main',
          proxy.option,
          `the device ${robj.devid} of remote process ${draft.name} was not imported`,
        );
      }
      continue;
    }
    if (!proxy) {
      ctx.issue(
        'warning',
        `no x-pci-proxy-dev id=${robj.devid} in the main QEMU: one is added`,
        robj.word,
      );
    } else {
      reportChannel(ctx, proxy.props, `x-pci-proxy-dev id=${proxy.id}`, proxy.at);
      if (proxy.slot !== undefined) device.slot = proxy.slot;
    }
  }
  for (const proxy of proxies.values()) {
    ctx.extra('main', proxy.option, `no remote process with devid=${proxy.id} in the text`);
  }
}
