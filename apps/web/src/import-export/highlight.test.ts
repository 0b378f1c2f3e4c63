import { importCommandLines } from '@mpqemu/shared';
import { describe, expect, it } from 'vitest';
import { highlightSegments } from './highlight.ts';

describe('highlightSegments', () => {
  it('marks the word an issue points at and keeps all the text', () => {
    const text = 'qemu-system-x86_64 -m 256 \\\n  -cpu host';
    const segments = highlightSegments(text, importCommandLines(text).issues);
    expect(segments.map((s) => s.text).join('')).toBe(text);
    expect(segments.filter((s) => s.mark).map((s) => [s.text, s.mark?.severity])).toEqual([
      ['host', 'warning'],
    ]);
  });

  it('marks a parse error at the end of the text', () => {
    const text = 'qemu-system-x86_64 -append "quiet';
    const segments = highlightSegments(text, importCommandLines(text).issues);
    expect(segments.find((s) => s.mark)?.mark?.severity).toBe('error');
    expect(segments.find((s) => s.mark)?.text.startsWith('"')).toBe(true);
  });

  it('leaves text without issues as one plain segment', () => {
    expect(highlightSegments('abc', [])).toEqual([{ text: 'abc' }]);
  });
});
