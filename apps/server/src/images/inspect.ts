/**
 * Format, sizes and backing file of an image we hold open: the header is parsed by the shared
 * pure parser, so nothing the image names (a backing file, an `nbd:` or `http:` URL, a `json:`
 * description) is ever opened or contacted.
 */
import type { Stats } from 'node:fs';
import {
  decodeBackingName,
  detectImage,
  IMAGE_HEAD_BYTES,
  type DetectedFormat,
} from '@mpqemu/shared';
import { readAt } from './open-file.ts';

export interface ImageFacts {
  format: DetectedFormat;
  /** Bytes the guest sees; null for formats whose header we do not parse. */
  virtualSize: number | null;
  /** Bytes the file takes on disk. */
  allocatedSize: number;
  /** The backing file name exactly as the image states it (never opened), or null. */
  backingFile: string | null;
  /** A qcow2 external data file name (never opened), or null. */
  dataFile: string | null;
  /** Why the header cannot be used, or null. */
  damaged: string | null;
}

/** Reads the image's header through `fd`; `stats` are the descriptor's own (fstat). */
export async function inspectImage(fd: number, stats: Stats): Promise<ImageFacts> {
  const size = stats.isBlockDevice() ? 0 : stats.size;
  const head = await readAt(fd, 0, IMAGE_HEAD_BYTES);
  const found = detectImage(head, size);
  let backingFile: string | null = null;
  if (found.backing) {
    const { offset, length } = found.backing;
    const bytes =
      offset + length <= head.byteLength
        ? head.subarray(offset, offset + length)
        : await readAt(fd, offset, length);
    backingFile = decodeBackingName(bytes);
  }
  return {
    format: found.format,
    virtualSize: found.virtualSize,
    allocatedSize: stats.blocks * 512,
    backingFile,
    dataFile: found.dataFile,
    damaged: found.damaged,
  };
}
