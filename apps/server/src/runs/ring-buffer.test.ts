import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ring-buffer.ts';

describe('RingBuffer', () => {
  it('keeps the newest bytes and counts the dropped ones', () => {
    const ring = new RingBuffer(8);
    ring.push(Buffer.from('abcdef'));
    ring.push(Buffer.from('ghij'));
    expect(ring.text()).toBe('cdefghij');
    expect(ring.dropped).toBe(2);
    ring.push(Buffer.from('0123456789'));
    expect(ring.text()).toBe('23456789');
    expect(ring.dropped).toBe(12);
    expect(ring.length).toBe(8);
  });
  it('returns the last non-empty lines', () => {
    const ring = new RingBuffer(1024);
    ring.push(Buffer.from('one\r\n\ntwo\nthree\n'));
    expect(ring.tailLines(2)).toEqual(['two', 'three']);
  });
});
