import { describe, expect, it } from 'vitest';
import { decodeBackingName, detectImage } from '../src/index.ts';

/** A qcow2 header as qemu-img writes it: version 3, header length 104, then extensions. */
function qcow2(
  size: bigint,
  options: { backing?: string; version?: number; dataFile?: string } = {},
): Uint8Array {
  const out = new Uint8Array(4096);
  const v = new DataView(out.buffer);
  out.set([0x51, 0x46, 0x49, 0xfb]);
  v.setUint32(4, options.version ?? 3);
  v.setUint32(20, 16);
  v.setBigUint64(24, size);
  v.setUint32(100, 104);
  let at = 104;
  if (options.dataFile !== undefined) {
    const name = new TextEncoder().encode(options.dataFile);
    v.setUint32(at, 0x44415441);
    v.setUint32(at + 4, name.length);
    out.set(name, at + 8);
    at += 8 + Math.ceil(name.length / 8) * 8;
  }
  v.setUint32(at, 0); // end of extensions
  if (options.backing !== undefined) {
    const name = new TextEncoder().encode(options.backing);
    v.setBigUint64(8, 512n);
    v.setUint32(16, name.length);
    out.set(name, 512);
  }
  return out;
}

describe('detectImage', () => {
  it('reads a qcow2 header: virtual size, no backing', () => {
    const found = detectImage(qcow2(64n * 1024n * 1024n), 196_608);
    expect(found).toEqual({
      format: 'qcow2',
      virtualSize: 64 * 1024 * 1024,
      backing: null,
      dataFile: null,
      damaged: null,
    });
  });

  it.each([
    'nbd:127.0.0.1:10809',
    'http://127.0.0.1:8080/x',
    'json:{"driver":"file","filename":"/etc/shadow"}',
  ])('reports the backing name %s without interpreting it', (name) => {
    const head = qcow2(1024n, { backing: name });
    const found = detectImage(head, head.length);
    expect(found.backing).toEqual({ offset: 512, length: new TextEncoder().encode(name).length });
    const { offset, length } = found.backing ?? { offset: 0, length: 0 };
    expect(decodeBackingName(head.subarray(offset, offset + length))).toBe(name);
  });

  it('finds an external data file in the header extensions', () => {
    expect(detectImage(qcow2(1024n, { dataFile: '/etc/passwd' }), 4096).dataFile).toBe(
      '/etc/passwd',
    );
  });

  it('reports damage instead of guessing', () => {
    expect(detectImage(qcow2(1024n, { version: 9 }), 4096).damaged).toMatch(/version 9/);
    expect(detectImage(qcow2(1024n).subarray(0, 40), 40).damaged).toMatch(/truncated/);
    expect(detectImage(qcow2(2n ** 63n), 4096).damaged).toMatch(/impossible/);
  });

  it('treats anything without a known magic as raw of the file size', () => {
    expect(detectImage(new Uint8Array(512), 1_048_576)).toMatchObject({
      format: 'raw',
      virtualSize: 1_048_576,
    });
  });

  it('recognises other formats by their magic so a raw drive on them is refused', () => {
    const vmdk = new Uint8Array(512);
    vmdk.set([0x4b, 0x44, 0x4d, 0x56]);
    expect(detectImage(vmdk, 512).format).toBe('vmdk');
    const vdi = new Uint8Array(512);
    vdi.set([0x7f, 0x10, 0xda, 0xbe], 0x40);
    expect(detectImage(vdi, 512).format).toBe('vdi');
  });
});
