import { describe, expect, it } from 'vitest';
import { detectImageFormat, formatMismatch } from '../src/image-format.ts';

const bytes = (...b: number[]) => Uint8Array.from(b);
const text = (s: string) => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));

describe('detectImageFormat', () => {
  it('reads a qcow2 header (version 3) and a qcow v1 one', () => {
    expect(detectImageFormat(bytes(0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 3))).toBe('qcow2');
    expect(detectImageFormat(bytes(0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 1))).toBe('qcow');
  });

  it('names foreign formats and calls anything else raw', () => {
    expect(detectImageFormat(text('KDMV'))).toBe('vmdk');
    expect(detectImageFormat(text('vhdxfile'))).toBe('vhdx');
    const vdi = new Uint8Array(512);
    vdi.set([0x7f, 0x10, 0xda, 0xbe], 64);
    expect(detectImageFormat(vdi)).toBe('vdi');
    expect(detectImageFormat(new Uint8Array(512))).toBe('raw');
    expect(detectImageFormat(new Uint8Array(0))).toBe('raw');
  });
});

describe('formatMismatch', () => {
  it('says what the file is and what to set', () => {
    expect(formatMismatch('raw', 'raw')).toBeNull();
    expect(formatMismatch('raw', 'qcow2')).toMatch(
      /is a qcow2 image, not raw; set the format to qcow2/,
    );
    expect(formatMismatch('qcow2', 'raw')).toMatch(/set the format to raw/);
    expect(formatMismatch('qcow2', 'vmdk')).toMatch(/vmdk.*qemu-img convert/);
  });
});
