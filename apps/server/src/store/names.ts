/**
 * Topology names become file names, so the rule is strict: no path separators, no leading dot
 * (which would also hide the file and could name our own temp files), nothing a shell or a
 * terminal could trip over.
 */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;

export const NAME_RULE_TEXT =
  'starts with a letter or digit, then up to 63 letters, digits, spaces, ".", "_" or "-"';

/** Returns why `name` cannot name a topology, or null when it can. */
export function nameProblem(name: string): string | null {
  if (name === '') return 'is empty';
  if (!NAME_PATTERN.test(name))
    return `"${name.slice(0, 80)}" is not a valid name: ${NAME_RULE_TEXT}`;
  // Trailing spaces and dots make names that look equal to another in every listing.
  if (/[ .]$/.test(name)) return `"${name}" ends with a space or a dot`;
  return null;
}

const FILE_SUFFIX = '.json';

export function fileNameOf(name: string): string {
  return `${name}${FILE_SUFFIX}`;
}

/** The topology name of a directory entry, or null for anything that is not one of ours. */
export function nameOfFile(fileName: string): string | null {
  if (!fileName.endsWith(FILE_SUFFIX)) return null;
  const name = fileName.slice(0, -FILE_SUFFIX.length);
  return nameProblem(name) === null ? name : null;
}
