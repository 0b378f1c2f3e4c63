import { describe, expect, it } from 'vitest';
import { showUserText, validate } from '../src/index.ts';
import { KVM_CAPS, drive, topo } from './support/build.ts';

describe('user text in problem messages', () => {
  it('leaves valid ids as they are and quotes, escapes and cuts anything else', () => {
    expect(showUserText('lsi0')).toBe('lsi0');
    expect(showUserText('a b')).toBe('"a b"');
    expect(showUserText('x\u001b[31m\u202e"\\')).toBe('"x\\u001b[31m\\u202e\\"\\\\"');
    expect(showUserText('y'.repeat(100))).toBe(`"${'y'.repeat(40)}…"`);
    expect(showUserText('\uD800')).toBe('"\\ud800"');
  });

  it('never puts a raw escape sequence from the document into a message', () => {
    const problems = validate(
      topo({ drives: [drive.hd('d0', '\u001b]0;pwned\u0007' + 'z'.repeat(60_000))] }),
      KVM_CAPS,
    );
    const [p] = problems;
    expect(p?.code).toBe('drive.unknown-device');
    expect(p?.message).toBe(
      `d0 is attached to "\\u001b]0;pwned\\u0007${'z'.repeat(30)}…", which is not a device`,
    );
  });
});
