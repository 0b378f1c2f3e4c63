/**
 * What a disk image's first bytes say it is. QEMU probes formats the same way; we read the header
 * ourselves so that a drive declared `raw` holding a qcow2 file is caught before launch (QEMU would
 * hand the guest the qcow2 metadata as disk content) and so that detection never follows a backing
 * file or opens anything but the image itself.
 */
import type { ImageFormat } from './catalogue.ts';

/** Bytes to read from the start of an image: enough for every magic below. */
export const IMAGE_HEADER_BYTES = 512;

/** Formats QEMU knows that a drive here cannot use; named so the message can say what it is. */
export type ForeignImageFormat = 'qcow' | 'vmdk' | 'vdi' | 'vhdx' | 'vpc' | 'qed' | 'luks';
export type DetectedImageFormat = ImageFormat | ForeignImageFormat;

const MAGICS: readonly { format: ForeignImageFormat | 'qcow2'; offset: number; bytes: number[] }[] =
  [
    { format: 'qcow2', offset: 0, bytes: [0x51, 0x46, 0x49, 0xfb] }, // "QFI\xfb"
    { format: 'vmdk', offset: 0, bytes: [0x4b, 0x44, 0x4d, 0x56] }, // "KDMV"
    { format: 'vmdk', offset: 0, bytes: [0x43, 0x4f, 0x57, 0x44] }, // "COWD"
    { format: 'vdi', offset: 64, bytes: [0x7f, 0x10, 0xda, 0xbe] },
    { format: 'vhdx', offset: 0, bytes: [...'vhdxfile'].map((c) => c.charCodeAt(0)) },
    { format: 'vpc', offset: 0, bytes: [...'conectix'].map((c) => c.charCodeAt(0)) },
    { format: 'qed', offset: 0, bytes: [0x51, 0x45, 0x44, 0x00] },
    { format: 'luks', offset: 0, bytes: [0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe] },
  ];

function matches(header: Uint8Array, offset: number, bytes: readonly number[]): boolean {
  return bytes.every((b, i) => header[offset + i] === b);
}

/**
 * The format of an image from its first IMAGE_HEADER_BYTES bytes (fewer for a short file).
 * Anything without a known magic is raw, as for QEMU.
 */
export function detectImageFormat(header: Uint8Array): DetectedImageFormat {
  const hit = MAGICS.find((m) => matches(header, m.offset, m.bytes));
  if (!hit) return 'raw';
  if (hit.format !== 'qcow2') return hit.format;
  // qcow version 1 shares the magic; the big-endian version follows it.
  const version = ((header[4] ?? 0) << 24) | ((header[5] ?? 0) << 16) | ((header[6] ?? 0) << 8);
  return (version | (header[7] ?? 0)) === 1 ? 'qcow' : 'qcow2';
}

/**
 * Why an image detected as `detected` cannot be used as `declared`, or null when it can. A raw
 * declaration on a structured image is the dangerous case: the guest would write over metadata.
 */
export function formatMismatch(
  declared: ImageFormat,
  detected: DetectedImageFormat,
): string | null {
  if (declared === detected) return null;
  if (detected === 'raw')
    return `holds no ${declared} header (it is a raw image); set the format to raw`;
  if (detected === 'qcow2') return `is a qcow2 image, not ${declared}; set the format to qcow2`;
  return `is a ${detected} image, which drives here cannot use (raw or qcow2 only); convert it with qemu-img convert -O qcow2`;
}
