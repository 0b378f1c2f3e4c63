/**
 * QMP `screendump` writes a binary PPM (P6); browsers show PNG. A P6 with maxval 255 is already
 * 8-bit RGB rows, so a PNG is those rows with a filter byte each, deflated, in three chunks: no
 * image library needed.
 */
import { deflateSync } from 'node:zlib';

/** A decoded screendump: 8-bit RGB, row-major, no padding. */
export interface RgbImage {
  width: number;
  height: number;
  rgb: Buffer;
}

/** Far above any QEMU console (16384 x 16384 x 3 = 768 MiB would not be read anyway). */
const MAX_SIDE = 16_384;

/** Thrown for a file that is not the P6 QEMU writes. */
class PpmError extends Error {}

/** Parses QEMU's screendump PPM: `P6`, width, height, maxval 255, one whitespace, the pixels. */
export function parsePpm(data: Buffer): RgbImage {
  let at = 0;
  const token = (): string => {
    // Header tokens are separated by whitespace; QEMU writes no comments, but PPM allows them.
    for (;;) {
      while (at < data.length && isSpace(data[at] ?? 0)) at++;
      if (data[at] !== 0x23) break;
      while (at < data.length && data[at] !== 0x0a) at++;
    }
    const start = at;
    while (at < data.length && !isSpace(data[at] ?? 0)) at++;
    return data.toString('latin1', start, at);
  };
  if (token() !== 'P6') throw new PpmError('not a binary PPM (P6)');
  const width = Number(token());
  const height = Number(token());
  const maxval = Number(token());
  if (![width, height].every((n) => Number.isInteger(n) && n > 0 && n <= MAX_SIDE)) {
    throw new PpmError(`bad PPM size ${width}x${height}`);
  }
  if (maxval !== 255) throw new PpmError(`PPM maxval ${maxval}, expected 255`);
  at++; // the single whitespace byte before the pixels
  const size = width * height * 3;
  if (data.length - at < size) throw new PpmError('PPM pixel data is truncated');
  return { width, height, rgb: data.subarray(at, at + size) };
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** An RGB image as a PNG file (colour type 2, bit depth 8, filter 0 on every row). */
export function encodePng({ width, height, rgb }: RgbImage): Buffer {
  const stride = width * 3;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    rgb.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 6 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
