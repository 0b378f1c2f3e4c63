/**
 * Host paths that reach QEMU. The planner passes them as JSON (`-blockdev`) or as a whole argv
 * element (`-kernel`), so commas and `=` are harmless; but a relative path or a protocol prefix
 * (`nbd:`, `json:`) must never reach a place that interprets it, and control characters have no
 * business in a file name we show to people.
 */
const MAX_PATH_LENGTH = 4096;

/**
 * C0 and C1 controls, DEL, line separators and bidirectional overrides: they can rewrite what a
 * terminal or the readable command shows (`\u001b[`, `\u202e`), so a value that reaches argv and
 * is shown to people carries none of them.
 */
// eslint-disable-next-line no-control-regex
export const UNSAFE_CHAR = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
/** With the `u` flag this matches only unpaired surrogates, which cannot be encoded into argv. */
export const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Why `text` cannot be passed literally and shown safely, or null when it can. */
export function unsafeTextProblem(text: string): string | null {
  if (UNSAFE_CHAR.test(text)) {
    return 'contains a control character (newline, NUL, escape, bidirectional override, …)';
  }
  if (LONE_SURROGATE.test(text)) return 'is not valid Unicode text (an unpaired surrogate)';
  return null;
}

/** Returns why `path` is unacceptable as a host file path, or null when it is fine. */
export function pathProblem(path: string): string | null {
  if (path === '') return 'is empty; give an absolute path to a file on the host';
  if (path.length > MAX_PATH_LENGTH) return `is longer than ${MAX_PATH_LENGTH} characters`;
  const unsafe = unsafeTextProblem(path);
  if (unsafe) return unsafe;
  if (!path.startsWith('/')) {
    return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(path)
      ? `looks like a protocol ("${path.slice(0, path.indexOf(':') + 1)}"); only plain absolute file paths are allowed`
      : 'must be absolute (start with "/")';
  }
  if (path.split('/').includes('..')) return 'must not contain ".." segments';
  return null;
}
