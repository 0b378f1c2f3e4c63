/**
 * Who "the user" is, for the server: its own uid and, when it was started through sudo, the uid
 * of the person who ran sudo (SUDO_UID). Connections from other uids are refused
 * (http/connection-gate.ts), and their files are attached only read-only (images/open-file.ts).
 */

/** The server's uid, SUDO_UID when it is a plain number, and `extra`. */
export function userUids(
  env: NodeJS.ProcessEnv = process.env,
  extra: readonly number[] = [],
): ReadonlySet<number> {
  const uids = new Set<number>(extra);
  if (typeof process.getuid === 'function') uids.add(process.getuid());
  const sudo = env.SUDO_UID;
  if (sudo !== undefined && /^\d{1,10}$/.test(sudo)) uids.add(Number(sudo));
  return uids;
}
