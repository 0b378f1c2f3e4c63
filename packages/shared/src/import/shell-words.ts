/**
 * Splits pasted shell text into words the way a POSIX shell would, without ever expanding
 * anything. Hand-written rather than `shell-quote`'s `parse` because an import error must point
 * at the exact column of the pasted text, and shell-quote keeps no positions; it also expands
 * `$VAR` from an env object, where we want a visible refusal instead.
 */

/** Where a word (or a problem) sits in the pasted text; line and column are 1-based. */
export interface SourceSpan {
  start: number;
  end: number;
  line: number;
  column: number;
}

export interface ShellWord {
  /** The word after quote removal. */
  text: string;
  span: SourceSpan;
}

/** One shell command: words up to an unescaped newline, `;` or `&&`. */
export interface ShellCommand {
  words: ShellWord[];
}

interface ShellError {
  message: string;
  span: SourceSpan;
}

export type SplitResult = { ok: true; commands: ShellCommand[] } | { ok: false; error: ShellError };

/**
 * Offset → 1-based line and column, for messages about pasted text. The line starts are found
 * once and searched by halving: a walk from the top for every word made a 1 MB paste quadratic.
 */
function spanner(text: string): (start: number, end?: number) => SourceSpan {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  return (start, end = start + 1) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    // The last line start at or before `start` (a newline itself belongs to the line it ends).
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= start) lo = mid;
      else hi = mid - 1;
    }
    return { start, end, line: lo + 1, column: start - (lineStarts[lo] ?? 0) + 1 };
  };
}

const BLANK = new Set([' ', '\t', '\r']);
/** Every character the loop below treats other than as part of a word (`#` only starts one). */
const SPECIAL = new Set([
  '\\',
  "'",
  '"',
  ' ',
  '\t',
  '\r',
  '\n',
  ';',
  '&',
  '$',
  '|',
  '<',
  '>',
  '(',
  ')',
  '`',
]);
/** Characters that would make a shell do something other than pass a word. */
const REFUSED: Record<string, string> = {
  '|': 'pipes are not supported: paste the QEMU command lines only',
  '<': 'redirections are not supported: paste the QEMU command lines only',
  '>': 'redirections are not supported: paste the QEMU command lines only',
  '(': 'subshells are not supported: paste the QEMU command lines only',
  ')': 'subshells are not supported: paste the QEMU command lines only',
  '`': 'command substitution is not supported: replace it by its value',
};

/** Splits `text` into commands of words, honouring quotes, escapes and `\`-newline. */
export function splitShellWords(text: string): SplitResult {
  const spanAt = spanner(text);
  const commands: ShellCommand[] = [];
  let words: ShellWord[] = [];
  // Held in an object so the helpers below can update it (closures defeat narrowing of a let).
  const cur: { word: string | null; start: number } = { word: null, start: 0 };
  const fail = (message: string, at: number, end = at + 1): SplitResult => ({
    ok: false,
    error: { message, span: spanAt(at, end) },
  });
  const endWord = (at: number) => {
    if (cur.word !== null) words.push({ text: cur.word, span: spanAt(cur.start, at) });
    cur.word = null;
  };
  const endCommand = (at: number) => {
    endWord(at);
    if (words.length > 0) commands.push({ words });
    words = [];
  };
  /** Appends `chars` to the current word, starting one at `at` if none is open. */
  const add = (at: number, chars: string) => {
    if (cur.word === null) {
      cur.word = '';
      cur.start = at;
    }
    cur.word += chars;
  };

  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === '\\') {
      const next = text[i + 1];
      if (next === '\n') {
        i += 2;
      } else if (next === '\r' && text[i + 2] === '\n') {
        i += 3;
      } else if (next === undefined) {
        i++;
      } else {
        add(i, next);
        i += 2;
      }
    } else if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) return fail('unterminated single quote', i, text.length);
      add(i, text.slice(i + 1, close));
      i = close + 1;
    } else if (c === '"') {
      add(i, '');
      const open = i;
      i++;
      for (;;) {
        const d = text[i];
        if (d === undefined) return fail('unterminated double quote', open, text.length);
        if (d === '"') break;
        if (d === '\\' && text[i + 1] === '\n') {
          i += 2;
        } else if (d === '\\' && '$`"\\'.includes(text[i + 1] ?? 'x')) {
          add(i, text[i + 1] ?? '');
          i += 2;
        } else if (d === '$' || d === '`') {
          return fail('shell expansion is not supported: replace it by its value', i);
        } else {
          add(i, d);
          i++;
        }
      }
      i++;
    } else if (BLANK.has(c)) {
      endWord(i);
      i++;
    } else if (c === '\n' || c === ';') {
      endCommand(i);
      i++;
    } else if (c === '&' && text[i + 1] === '&') {
      endCommand(i);
      i += 2;
    } else if (c === '#' && cur.word === null) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '$') {
      return fail('shell variables are not expanded: replace it by its value', i);
    } else if (c === '&') {
      return fail('background jobs are not supported: paste the QEMU command lines only', i);
    } else if (REFUSED[c] !== undefined) {
      return fail(REFUSED[c], i);
    } else {
      // A run of ordinary characters goes in as one slice: adding them one by one made a string
      // per character, and a 1 MB paste spent most of its time collecting them.
      let j = i + 1;
      while (j < text.length && !SPECIAL.has(text[j] ?? '')) j++;
      add(i, text.slice(i, j));
      i = j;
    }
  }
  endCommand(text.length);
  return { ok: true, commands };
}
