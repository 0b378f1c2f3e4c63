/**
 * The data directory holds the token, the saved topologies, the run sockets and the image
 * library: it and everything in it is private to the user (0700 directories, 0600 files). A
 * directory made before this rule (0755) is fixed at start; one owned by another user is refused,
 * since that user could replace anything in it. Symbolic links inside are never followed.
 */
import { chmod, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Entries visited at most; a data directory is small, a huge one is not walked forever. */
const MAX_ENTRIES = 20_000;

export class DataDirInsecure extends Error {
  override name = 'DataDirInsecure';
}

function uid(): number | null {
  return typeof process.getuid === 'function' ? process.getuid() : null;
}

/**
 * Checks ownership of `dir` (which must exist) and everything below it, and removes group and
 * other permissions wherever they are set. Returns how many entries were fixed.
 */
export async function secureDataDir(dir: string): Promise<number> {
  const me = uid();
  const top = await lstat(dir);
  if (!top.isDirectory()) throw new DataDirInsecure(`the data directory ${dir} is not a directory`);
  let fixed = 0;
  let seen = 0;
  const visit = async (path: string, isDir: boolean): Promise<void> => {
    if (++seen > MAX_ENTRIES) return;
    const st = await lstat(path);
    if (st.isSymbolicLink()) return;
    if (me !== null && st.uid !== me) {
      throw new DataDirInsecure(
        `${path} in the data directory belongs to another user (uid ${st.uid}); remove it or choose another --data-dir`,
      );
    }
    if ((st.mode & 0o077) !== 0) {
      await chmod(path, st.mode & (isDir ? 0o700 : 0o600));
      fixed++;
    }
    if (!isDir) return;
    for (const entry of await readdir(path, { withFileTypes: true })) {
      if (entry.isSymbolicLink()) continue;
      await visit(join(path, entry.name), entry.isDirectory());
    }
  };
  await visit(dir, true);
  return fixed;
}
