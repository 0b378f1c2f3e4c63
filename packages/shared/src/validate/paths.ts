/**
 * Host paths that reach QEMU. The planner passes them as JSON (`-blockdev`) or as a whole argv
 * element (`-kernel`), so commas and `=` are harmless; but a relative path or a protocol prefix
 * (`nbd:`, `json:`) must never reach a place that interprets it, and control characters have no
 * business in a file name we show to people.
 */
export const MAX_PATH_LENGTH = 4096;

/** Returns why `path` is unacceptable as a host file path, or null when it is fine. */
export function pathProblem(path: string): string | null {
  if (path === '') return 'is empty; give an absolute path to a file on the host';
  if (path.length > MAX_PATH_LENGTH) return `is longer than ${MAX_PATH_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'contains a control character (newline, NUL, …)';
  if (!path.startsWith('/')) {
    return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(path)
      ? `looks like a protocol ("${path.slice(0, path.indexOf(':') + 1)}"); only plain absolute file paths are allowed`
      : 'must be absolute (start with "/")';
  }
  if (path.split('/').includes('..')) return 'must not contain ".." segments';
  return null;
}
