/// <reference types="node" />
/**
 * Asks a real POSIX shell (`sh`, dash on Debian) how it splits lines of text into words. The
 * line is pasted into the script verbatim, as a person would paste it; each word is printed
 * NUL-terminated. Runs in an empty environment and a scratch directory, so a quoting bug shows
 * up as wrong words (`$(echo INJECTED)` expanded), not as damage.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const scratch = mkdtempSync(join(tmpdir(), 'mpqemu-sh-'));

/** The words `sh` sees in each line. */
export function shellWords(lines: readonly string[]): string[][] {
  const script = lines.map((line) => `set -- ${line}\nprintf '%s\\0' "$#" "$@"`).join('\n');
  // On stdin: a batch can pass the kernel's 128 KiB limit for one argument.
  const out = execFileSync('sh', ['-s'], {
    input: script,
    cwd: scratch,
    env: {},
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  // Each line prints its word count, then its words.
  const words = out.split('\0').slice(0, -1);
  const result: string[][] = [];
  for (let i = 0; i < words.length;) {
    const n = Number(words[i]);
    result.push(words.slice(i + 1, i + 1 + n));
    i += 1 + n;
  }
  return result;
}
