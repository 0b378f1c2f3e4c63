import { accessSync, constants, statSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

const QEMU_INSTALL_HINT = 'apt-get install qemu-system-x86';

/** The QEMU binary is not there: the message carries the install command. */
export class QemuNotFoundError extends Error {
  constructor(
    readonly binary: string,
    detail: string,
  ) {
    super(`QEMU binary "${binary}" not found (${detail}). Install it with: ${QEMU_INSTALL_HINT}`);
    this.name = 'QemuNotFoundError';
  }
}

/** Synchronous, as host-key.ts explains: a few system files, checked on every launch. */
function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds an executable like execvp would (a name with a slash is taken as a path) and returns its
 * real path, so argv[0] of every launch is absolute and no later PATH change can swap it.
 */
export async function findExecutable(name: string): Promise<string | null> {
  const candidates = name.includes('/')
    ? [name]
    : (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin')
        .split(delimiter)
        .filter((dir) => dir.startsWith('/'))
        .map((dir) => join(dir, name));
  for (const candidate of candidates) {
    if (isExecutableFile(candidate)) return realpath(candidate);
  }
  return null;
}

/** Resolves the QEMU binary or throws QemuNotFoundError. */
export async function resolveQemu(binary: string): Promise<string> {
  const found = await findExecutable(binary);
  if (found !== null) return found;
  throw new QemuNotFoundError(
    binary,
    binary.includes('/') ? 'no executable file at that path' : 'not on PATH',
  );
}

/**
 * findExecutable with memory, for paths looked up on every launch: a remembered path costs one
 * access() instead of a walk over PATH. It is looked up again when it stops being executable
 * (uninstalled, replaced by a non-executable) or when PATH changes.
 */
export function createExecutableCache(): (name: string) => Promise<string | null> {
  const known = new Map<string, string>();
  return async (name) => {
    const key = `${process.env.PATH ?? ''}\0${name}`;
    const remembered = known.get(key);
    if (remembered !== undefined && isExecutableFile(remembered)) return remembered;
    known.delete(key);
    const found = await findExecutable(name);
    if (found !== null) known.set(key, found);
    return found;
  };
}
