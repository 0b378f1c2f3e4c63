/**
 * `-device` options → catalogue devices and their drives; in the main QEMU also the proxies
 * (`x-pci-proxy-dev`), in a remote process its `x-remote-object`. Properties we cannot express
 * are named in a warning; a model outside the catalogue becomes an extra argument.
 */
import { deviceModel } from '../catalogue.ts';
import { idPrefix } from '../edit/id-prefix.ts';
import { nextFreeId } from '../ids.ts';
import type { Device, Drive, Placement } from '../schema.ts';
import type { OptionValue } from '../plan/args.ts';
import { resolveImage } from './block.ts';
import type { Word } from './commands.ts';
import { pending, type ImportContext, type ParsedOption, type ProcessDraft } from './context.ts';
import { netBackend } from './net.ts';
import { propInt, propText, type Props } from './qemu-opts.ts';

interface Proxy {
  id: string;
  slot: number | undefined;
  option: ParsedOption;
  props: Props;
  at: Word;
}

export interface DeviceSink {
  devices: Device[];
  drives: Drive[];
  /** Main QEMU only: proxy devices, paired later with remote processes by id. */
  proxies: Proxy[];
  /** Remote process name → the devid of its x-remote-object. */
  remoteObjects: Map<string, { devid: string; word: Word }>;
  bootDrive: string | undefined;
  taken: Set<string>;
}

const COMMON_KEYS = ['driver', 'id', 'addr'];
const FAMILY_KEYS: Record<Device['family'], string[]> = {
  storage: [],
  block: ['drive', 'serial', 'bootindex'],
  net: ['netdev', 'mac'],
  display: [],
  other: [],
};
const SCSI_DRIVE_KEYS = ['driver', 'id', 'bus', 'drive', 'scsi-id', 'lun', 'bootindex'];

/** QEMU's PCI `addr`: `slot[.fn]` in hex as text, or devfn as a JSON number. */
function parseAddr(v: OptionValue | undefined): { slot: number; fn: number } | null {
  if (typeof v === 'number') return Number.isInteger(v) ? { slot: v >> 3, fn: v & 7 } : null;
  if (typeof v !== 'string') return null;
  const m = /^(?:0x)?([0-9a-f]{1,2})(?:\.(?:0x)?([0-7]))?$/i.exec(v);
  if (!m) return null;
  return { slot: Number.parseInt(m[1] ?? '', 16), fn: Number(m[2] ?? '0') };
}

function idFor(sink: DeviceSink, props: Props, prefix: string): string {
  const id = propText(props, 'id') ?? nextFreeId(prefix, sink.taken);
  sink.taken.add(id);
  return id;
}

function slotOf(ctx: ImportContext, props: Props, at: Word): number | undefined {
  if (props.addr === undefined) return undefined;
  const addr = parseAddr(props.addr);
  if (!addr || addr.slot > 31) {
    ctx.issue('warning', `PCI address ${JSON.stringify(props.addr)} not understood: dropped`, at);
    return undefined;
  }
  if (addr.fn !== 0) ctx.issue('warning', `PCI function ${addr.fn} dropped (slot only)`, at);
  return addr.slot;
}

function catalogueDevice(
  ctx: ImportContext,
  draft: ProcessDraft,
  sink: DeviceSink,
  opt: ParsedOption,
  placement: Placement,
): void {
  const props = opt.props ?? {};
  const at = opt.option.arg ?? opt.option.flagWord;
  const info = deviceModel(propText(props, 'driver') ?? '');
  if (!info) return;
  opt.consumed = true;
  const id = idFor(sink, props, idPrefix(info.model));
  let slot: number | undefined;
  if (placement.kind === 'main') slot = slotOf(ctx, props, at);
  else if (props.addr !== undefined) {
    ctx.issue('info', `${id}: address inside the remote process dropped (the proxy's counts)`, at);
  }
  ctx.ignoredKeys(
    props,
    [...COMMON_KEYS, ...FAMILY_KEYS[info.family]],
    `-device ${info.model}`,
    at,
  );
  const base = { id, placement, ...(slot === undefined ? {} : { slot }) };
  // The catalogue names the family of each model; TopologySchema re-checks the pair at the end.
  const device = { ...base, family: info.family, model: info.model } as Device;
  if (device.family === 'block') {
    const serial = propText(props, 'serial');
    if (serial !== undefined) device.serial = serial;
    const driveName = propText(props, 'drive');
    const image = driveName ? resolveImage(ctx, draft, driveName, at) : null;
    if (image) {
      const driveId =
        image.idHint !== '' ? image.idHint : nextFreeId(idPrefix('disk-image'), sink.taken);
      sink.taken.add(driveId);
      const { idHint: _, ...img } = image;
      sink.drives.push({ id: driveId, model: 'disk-image', image: img, attachedTo: id });
      if (propInt(props, 'bootindex') === 0) sink.bootDrive = driveId;
    }
  } else if (device.family === 'net') {
    const mac = propText(props, 'mac');
    if (mac !== undefined) device.mac = mac;
    device.backend = netBackend(ctx, draft, propText(props, 'netdev'), at);
  }
  sink.devices.push(device);
}

function scsiDrive(ctx: ImportContext, draft: ProcessDraft, sink: DeviceSink, opt: ParsedOption) {
  const props = opt.props ?? {};
  const at = opt.option.arg ?? opt.option.flagWord;
  const model = propText(props, 'driver') as 'scsi-hd' | 'scsi-cd';
  const name = propText(props, 'drive');
  const image = name ? resolveImage(ctx, draft, name, at) : null;
  if (!image) return;
  opt.consumed = true;
  ctx.ignoredKeys(props, SCSI_DRIVE_KEYS, `-device ${model}`, at);
  const id = propText(props, 'id') ?? (image.idHint || nextFreeId(idPrefix(model), sink.taken));
  sink.taken.add(id);
  const bus = propText(props, 'bus');
  const scsiId = propInt(props, 'scsi-id');
  const lun = propInt(props, 'lun');
  const { idHint: _, ...img } = image;
  sink.drives.push({
    id,
    model,
    image: img,
    // `lsi0.0` is bus 0 of the controller lsi0.
    attachedTo: bus ? bus.replace(/\.\d+$/, '') : null,
    ...(typeof scsiId === 'number' ? { scsiId } : {}),
    ...(typeof lun === 'number' ? { lun } : {}),
  });
  if (!bus) ctx.issue('warning', `${id}: no bus= given: the drive is left unattached`, at);
  if (propInt(props, 'bootindex') === 0) sink.bootDrive = id;
}

/**
 * Says what became of a proxy's or remote object's channel number: `socket=` (the upstream doc's
 * name) is read as `fd=`, and the number itself is dropped because mpqemu makes the socketpairs.
 */
export function reportChannel(ctx: ImportContext, props: Props, what: string, at: Word): void {
  const socket = propText(props, 'socket');
  const fd = propText(props, 'fd');
  if (socket !== undefined) {
    ctx.issue(
      'info',
      `${what}: socket=${socket} read as the channel fd= (QEMU 7.2 has no socket= here); the number is dropped, mpqemu creates the socketpair`,
      at,
    );
  } else if (fd !== undefined) {
    ctx.issue('info', `${what}: fd=${fd} dropped; mpqemu creates the socketpair and its fd`, at);
  }
}

/** Reads every `-device` (and the remote object) of one process into `sink`. */
export function importDevices(ctx: ImportContext, draft: ProcessDraft, sink: DeviceSink): void {
  const placement: Placement =
    draft.role === 'main' ? { kind: 'main' } : { kind: 'remote', process: draft.name };
  for (const opt of pending(draft, '-device')) {
    const props = opt.props;
    if (!props) continue;
    const driver = propText(props, 'driver') ?? '';
    const at = opt.option.arg ?? opt.option.flagWord;
    if (driver === 'x-pci-proxy-dev' && draft.role === 'main') {
      const id = propText(props, 'id');
      if (id === undefined) {
        ctx.issue(
          'warning',
          'x-pci-proxy-dev without id: cannot pair it with a remote process',
          at,
        );
        continue;
      }
      opt.consumed = true;
      // The upstream doc names the channel `socket=`; QEMU 7.2 calls it `fd`. Either way we
      // create the socketpairs ourselves, so the number is not kept.
      ctx.ignoredKeys(props, [...COMMON_KEYS, 'fd', 'socket'], '-device x-pci-proxy-dev', at);
      sink.proxies.push({ id, slot: slotOf(ctx, props, at), option: opt, props, at });
    } else if (driver === 'scsi-hd' || driver === 'scsi-cd') {
      scsiDrive(ctx, draft, sink, opt);
    } else {
      catalogueDevice(ctx, draft, sink, opt, placement);
    }
  }
  for (const opt of pending(draft, '-object')) {
    const props = opt.props;
    if (!props || propText(props, 'qom-type') !== 'x-remote-object') continue;
    const at = opt.option.arg ?? opt.option.flagWord;
    const devid = propText(props, 'devid');
    if (draft.role !== 'remote' || devid === undefined) continue;
    opt.consumed = true;
    ctx.ignoredKeys(
      props,
      ['qom-type', 'id', 'devid', 'fd', 'socket'],
      '-object x-remote-object',
      at,
    );
    reportChannel(ctx, props, `x-remote-object devid=${devid}`, at);
    if (sink.remoteObjects.has(draft.name)) {
      ctx.issue('warning', `a second x-remote-object in ${draft.name} (QEMU 7.2 allows one)`, at);
    } else {
      sink.remoteObjects.set(draft.name, { devid, word: at });
    }
  }
}
