import { describe, expect, it } from 'vitest';
import { FloodFilter } from './log-flood.ts';

const PIPE = 'qemu-system-x86_64: Unable to write to socket: Broken pipe\n';
const READ = 'qemu-system-x86_64: Failed to perform PCI config READ operation\n';

describe('FloodFilter', () => {
  it('keeps the first line of each kind and counts the rest into one line', () => {
    const filter = new FloodFilter(() => 0);
    const kept = filter.push(`boot ok\n${(PIPE + READ).repeat(300)}`);
    expect(kept).toBe(`boot ok\n${PIPE}${READ}`);
    expect(filter.flush()).toBe(
      '[mpqemu: 598 more lines like the above about a proxied device whose process was gone]\n',
    );
    expect(filter.flush()).toBe('');
    // A later flood shows its first lines again.
    expect(filter.push(PIPE + PIPE)).toBe(PIPE);
  });

  it('joins lines split across chunks and writes a summary every 10 s during a long flood', () => {
    let now = 0;
    const filter = new FloodFilter(() => now);
    expect(filter.push(PIPE.slice(0, 20))).toBe('');
    expect(filter.push(PIPE.slice(20) + PIPE)).toBe(PIPE);
    now = 10_000;
    expect(filter.push(PIPE)).toBe(
      '[mpqemu: 2 more lines like the above about a proxied device whose process was gone]\n',
    );
    expect(filter.push('tail')).toBe('');
    expect(filter.flush()).toBe('tail\n');
  });
});
