/**
 * Disk image detection from the first bytes of a file, without QEMU. `qemu-img info` on a hostile
 * image follows its backing chain (it connected to an `nbd:` server, sent `HEAD` to an `http:`
 * URL and opened a file named in a `json:` backing, outside any sandbox); reading the header
 * ourselves from a descriptor we opened cannot reach anything else. Pure: runs in the browser too.
 */

/** How many bytes of the file's start `detectImage` wants; the header and its extensions fit. */
export const IMAGE_HEAD_BYTES = 64 * 1024;
/** QEMU's own limit for a qcow2 backing file name (block/qcow2.c). */
export const MAX_BACKING_NAME_BYTES = 1023;

/** Formats recognised by their magic; anything else is `raw`. */
export type DetectedFormat = 'raw' | 'qcow2' | 'qed' | 'vmdk' | 'vdi' | 'vhdx' | 'vpc' | 'luks';

export interface ImageDetection {
  format: DetectedFormat;
  /** Bytes the guest sees; null when the format's header is not parsed (not attachable anyway). */
  virtualSize: number | null;
  /** Where the backing file name lies in the file, or null when there is none. */
  backing: { offset: number; length: number } | null;
  /** A qcow2 external data file: QEMU would open that name too, so such an image is refused. */
  dataFile: string | null;
  /** Why the header is unusable (truncated, unknown version), or null. */
  damaged: string | null;
}

const MAGICS: { format: DetectedFormat; offset: number; bytes: number[] }[] = [
  { format: 'qcow2', offset: 0, bytes: [0x51, 0x46, 0x49, 0xfb] },
  { format: 'qed', offset: 0, bytes: [0x51, 0x45, 0x44, 0x00] },
  { format: 'vmdk', offset: 0, bytes: [0x4b, 0x44, 0x4d, 0x56] },
  { format: 'vhdx', offset: 0, bytes: Array.from('vhdxfile', (c) => c.charCodeAt(0)) },
  { format: 'vpc', offset: 0, bytes: Array.from('conectix', (c) => c.charCodeAt(0)) },
  { format: 'luks', offset: 0, bytes: [0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe] },
  // VDI's signature is little-endian 0xbeda107f at 0x40.
  { format: 'vdi', offset: 0x40, bytes: [0x7f, 0x10, 0xda, 0xbe] },
];

const QCOW2_EXT_END = 0;
const QCOW2_EXT_DATA_FILE = 0x44415441;

function view(head: Uint8Array): DataView {
  return new DataView(head.buffer, head.byteOffset, head.byteLength);
}

/** A u64 as a number; sizes beyond 2^53 are not real images and count as damage. */
function u64(v: DataView, at: number): number | null {
  const n = v.getBigUint64(at);
  return n > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(n);
}

function hasMagic(head: Uint8Array, offset: number, bytes: number[]): boolean {
  return bytes.every((b, i) => head[offset + i] === b);
}

function decodeName(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}

function qcow2(head: Uint8Array): ImageDetection {
  const result: ImageDetection = {
    format: 'qcow2',
    virtualSize: null,
    backing: null,
    dataFile: null,
    damaged: null,
  };
  if (head.byteLength < 72) return { ...result, damaged: 'the qcow2 header is truncated' };
  const v = view(head);
  const version = v.getUint32(4);
  if (version !== 2 && version !== 3) {
    return { ...result, damaged: `qcow2 version ${version} is not 2 or 3` };
  }
  const size = u64(v, 24);
  const backingOffset = u64(v, 8);
  const backingLength = v.getUint32(16);
  if (size === null || backingOffset === null) {
    return { ...result, damaged: 'the qcow2 header has an impossible size or offset' };
  }
  result.virtualSize = size;
  if (backingOffset !== 0 && backingLength > 0) {
    if (backingLength > MAX_BACKING_NAME_BYTES) {
      return { ...result, damaged: `the backing file name is ${backingLength} bytes long` };
    }
    result.backing = { offset: backingOffset, length: backingLength };
  }
  const headerLength = version === 3 && head.byteLength >= 104 ? v.getUint32(100) : 72;
  // Header extensions: type, length, data padded to 8 bytes, until type 0.
  let at = headerLength;
  while (at + 8 <= head.byteLength) {
    const type = v.getUint32(at);
    const length = v.getUint32(at + 4);
    if (type === QCOW2_EXT_END) break;
    if (at + 8 + length > head.byteLength) break;
    if (type === QCOW2_EXT_DATA_FILE) {
      result.dataFile = decodeName(head.subarray(at + 8, at + 8 + length));
    }
    at += 8 + Math.ceil(length / 8) * 8;
  }
  return result;
}

/**
 * Detects the format of an image from its first bytes (`head`, up to IMAGE_HEAD_BYTES) and its
 * size in bytes. Never throws: a damaged header is reported in `damaged`.
 */
export function detectImage(head: Uint8Array, fileSize: number): ImageDetection {
  const found = MAGICS.find((m) => hasMagic(head, m.offset, m.bytes));
  if (!found) {
    return { format: 'raw', virtualSize: fileSize, backing: null, dataFile: null, damaged: null };
  }
  if (found.format === 'qcow2') return qcow2(head);
  return { format: found.format, virtualSize: null, backing: null, dataFile: null, damaged: null };
}

/** The backing file name as QEMU would read it (`bytes` at `backing.offset`, `backing.length`). */
export function decodeBackingName(bytes: Uint8Array): string {
  return decodeName(bytes);
}
