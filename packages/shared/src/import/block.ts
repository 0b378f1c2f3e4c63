/**
 * Disk images behind `drive=NAME`: a `-blockdev` file node plus format node (what the planner
 * writes), a format node with its file inline, or a simple legacy `-drive id=,file=[,format=]`.
 */
import { IMAGE_FORMATS, type ImageFormat } from '../catalogue.ts';
import {
  pendingWith,
  type ImportContext,
  type ParsedOption,
  type ProcessDraft,
} from './context.ts';
import { propBool, propText, type Props } from './qemu-opts.ts';
import type { Word } from './commands.ts';

export interface ImageRef {
  path: string;
  format: ImageFormat;
  readOnly: boolean;
  /** A drive id suggested by the source (`disk0` from the node name `disk0-fmt`). */
  idHint: string;
}

const isFormat = (v: string | undefined): v is ImageFormat =>
  (IMAGE_FORMATS as readonly string[]).includes(v ?? '');

/** Keys of a legacy `-drive` we can express; any other key makes it not simple. */
const SIMPLE_DRIVE_KEYS = new Set(['id', 'file', 'format', 'if', 'readonly', 'read-only', 'media']);

function findNode(draft: ProcessDraft, name: string): ParsedOption | undefined {
  return pendingWith(draft, '-blockdev', 'node-name', name);
}

function readOnlyOf(props: Props): boolean {
  return propBool(props, 'read-only') === true || propBool(props, 'readonly') === true;
}

function fromBlockdev(
  ctx: ImportContext,
  draft: ProcessDraft,
  node: ParsedOption,
  at: Word,
): ImageRef | null {
  const props = node.props ?? {};
  const driver = propText(props, 'driver');
  const name = propText(props, 'node-name') ?? '';
  if (driver === 'file') {
    node.consumed = true;
    ctx.issue('warning', `block node "${name}" has no format node: imported as raw`, at);
    const path = propText(props, 'filename') ?? '';
    return { path, format: 'raw', readOnly: readOnlyOf(props), idHint: name };
  }
  if (!isFormat(driver)) {
    ctx.issue(
      'warning',
      `block driver "${driver ?? '?'}" is not supported (raw or qcow2 only)`,
      at,
    );
    return null;
  }
  const file = props.file;
  let fileProps: Props | null = null;
  let fileNode: ParsedOption | undefined;
  if (typeof file === 'string') {
    fileNode = findNode(draft, file);
    fileProps = fileNode?.props ?? null;
  } else if (typeof file === 'object' && file !== null && !Array.isArray(file)) {
    fileProps = file;
  }
  if (fileProps === null || propText(fileProps, 'driver') !== 'file') {
    ctx.issue(
      'warning',
      `block node "${name}": its file must be a "file" node with a filename`,
      at,
    );
    return null;
  }
  node.consumed = true;
  if (fileNode) fileNode.consumed = true;
  const backing = props.backing;
  if (backing !== undefined && backing !== null && backing !== 'null') {
    ctx.issue('warning', `block node "${name}": backing file option dropped (always none)`, at);
  }
  return {
    path: propText(fileProps, 'filename') ?? '',
    format: driver,
    readOnly: readOnlyOf(props) || readOnlyOf(fileProps),
    idHint: name.endsWith('-fmt') ? name.slice(0, -4) : name,
  };
}

function fromDrive(ctx: ImportContext, drive: ParsedOption, at: Word): ImageRef | null {
  const props = drive.props ?? {};
  const odd = Object.keys(props).filter((k) => !SIMPLE_DRIVE_KEYS.has(k));
  const iface = propText(props, 'if');
  if (odd.length > 0 || (iface !== undefined && iface !== 'none')) {
    const why = odd.length > 0 ? `options ${odd.join(', ')}` : `if=${iface ?? ''}`;
    ctx.issue('warning', `-drive with ${why} is not simple enough to import`, at);
    return null;
  }
  const path = propText(props, 'file') ?? '';
  let format = propText(props, 'format');
  if (format === undefined) {
    format = /\.qcow2$/i.test(path) ? 'qcow2' : 'raw';
    ctx.issue(
      'warning',
      `-drive ${propText(props, 'id') ?? ''} gives no format: assumed ${format} from the file name (QEMU would probe it; mpqemu never does)`,
      drive.option.arg ?? at,
    );
  }
  if (!isFormat(format)) {
    ctx.issue('warning', `image format "${format}" is not supported (raw or qcow2 only)`, at);
    return null;
  }
  drive.consumed = true;
  return { path, format, readOnly: readOnlyOf(props), idHint: propText(props, 'id') ?? '' };
}

/** The image a device's `drive=` names in the same process, consuming the options it used. */
export function resolveImage(
  ctx: ImportContext,
  draft: ProcessDraft,
  name: string,
  at: Word,
): ImageRef | null {
  const node = findNode(draft, name);
  if (node) return fromBlockdev(ctx, draft, node, at);
  const drive = pendingWith(draft, '-drive', 'id', name);
  if (drive) return fromDrive(ctx, drive, at);
  ctx.issue('warning', `drive "${name}" is not defined in the same process`, at);
  return null;
}
