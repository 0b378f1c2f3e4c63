/**
 * Reads the PNG files the server writes (screen/ppm-to-png.ts: 8-bit RGB, filter 0 on every
 * row), so a spec can compare a downloaded screenshot with the noVNC canvas. Not a general PNG
 * decoder: anything else throws.
 */
import { inflateSync } from 'node:zlib';

export interface Rgb {
  width: number;
  height: number;
  /** RGB bytes, row-major. */
  rgb: Buffer;
}

export function readServerPng(png: Buffer): Rgb {
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  if (png[24] !== 8 || png[25] !== 2) throw new Error('not 8-bit RGB');
  const chunks: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    if (type === 'IDAT') chunks.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(chunks));
  const stride = width * 3;
  const rgb = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    if (raw[y * (stride + 1)] !== 0) throw new Error(`row ${y}: filter other than 0`);
    raw.copy(rgb, y * stride, y * (stride + 1) + 1, (y + 1) * (stride + 1));
  }
  return { width, height, rgb };
}
