import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** Far above any real topology; a bigger file is reported, not read into memory. */
const MAX_TOPOLOGY_BYTES = 16 * 1024 * 1024;

export type ReadOutcome =
  | { ok: true; text: string; modifiedAt: number }
  | { ok: false; missing: boolean; message: string; modifiedAt: number };

/**
 * Reads a store file. Symbolic links and special files are refused (O_NOFOLLOW, fstat), so a
 * planted link cannot make the store read, and echo in its parse errors, some other file.
 */
export async function readStoreFile(path: string): Promise<ReadOutcome> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, missing: true, message: 'not found', modifiedAt: 0 };
    if (code === 'ELOOP')
      return { ok: false, missing: false, message: 'is a symbolic link; not read', modifiedAt: 0 };
    return {
      ok: false,
      missing: false,
      message: `cannot be read (${code ?? 'error'})`,
      modifiedAt: 0,
    };
  }
  try {
    const stat = await handle.stat();
    const modifiedAt = Math.round(stat.mtimeMs);
    if (!stat.isFile())
      return { ok: false, missing: false, message: 'is not a regular file', modifiedAt };
    if (stat.size > MAX_TOPOLOGY_BYTES) {
      return {
        ok: false,
        missing: false,
        message: `is ${stat.size} bytes, more than the ${MAX_TOPOLOGY_BYTES} a topology may have`,
        modifiedAt,
      };
    }
    return { ok: true, text: await handle.readFile('utf8'), modifiedAt };
  } finally {
    await handle.close();
  }
}
