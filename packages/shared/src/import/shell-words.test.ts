import { describe, expect, it } from 'vitest';
import { splitShellWords } from './shell-words.ts';

const words = (text: string) => {
  const r = splitShellWords(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.commands.map((c) => c.words.map((w) => w.text));
};

describe('splitShellWords', () => {
  it('joins backslash-newline continuations into one command', () => {
    expect(words('qemu \\\n  -m 256 \\\r\n  -smp 2\n')).toEqual([
      ['qemu', '-m', '256', '-smp', '2'],
    ]);
  });

  it('removes POSIX quotes and keeps their contents literally', () => {
    expect(words(`a 'b c' "d \\"e\\" \\$f" g\\ h 'it'"'"'s'`)).toEqual([
      ['a', 'b c', 'd "e" $f', 'g h', "it's"],
    ]);
  });

  it('ends a command at a newline, ";" or "&&", and skips comments', () => {
    expect(words('# comment\na b # tail\nc; d && e')).toEqual([['a', 'b'], ['c'], ['d'], ['e']]);
  });

  it('keeps an empty quoted word', () => {
    expect(words(`-append ''`)).toEqual([['-append', '']]);
  });

  it('records where each word starts', () => {
    const r = splitShellWords('qemu \\\n  -m 256');
    expect(r.ok && r.commands[0]?.words[1]?.span).toEqual({
      start: 9,
      end: 11,
      line: 2,
      column: 3,
    });
  });

  it('points at an unterminated quote', () => {
    const r = splitShellWords("a\n  b 'c d");
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error).toMatchObject({
        message: 'unterminated single quote',
        span: { line: 2, column: 5 },
      });
  });

  it('refuses expansions and redirections instead of guessing', () => {
    for (const [text, column] of [
      ['-m $MEM', 4],
      ['-m "$(x)"', 5],
      ['a > b', 3],
      ['a `b`', 3],
      ['a | b', 3],
    ] as const) {
      const r = splitShellWords(text);
      expect(r.ok, text).toBe(false);
      if (!r.ok) expect(r.error.span.column, text).toBe(column);
    }
  });
});
