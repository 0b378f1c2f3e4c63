/**
 * QEMU accepts ids matching `[A-Za-z][A-Za-z0-9_.-]*`. We are stricter: no `.` (QEMU builds bus
 * names such as `lsi0.0` from device ids, so a dot would make ids and bus names collide) and at
 * most 24 characters, so that derived block node names (`<id>-file`) stay within QEMU's 31.
 */
export const ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,23}$/;

export const ID_RULE_TEXT =
  'starts with a letter, then up to 23 letters, digits, "-" or "_" (no spaces, dots or commas)';

export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** Returns the first id of the form `${prefix}${n}` that is not in `taken`. */
export function nextFreeId(prefix: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  for (let n = 0; ; n++) {
    const candidate = `${prefix}${n}`;
    if (!used.has(candidate)) return candidate;
  }
}
