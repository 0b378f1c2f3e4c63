/**
 * Writes that never leave a partial file behind: the bytes go to a temp file in the same
 * directory (same filesystem, so rename/link are atomic), are fsynced, and only then appear under
 * the final name; the directory is fsynced so the new entry survives a crash too.
 */
import { randomBytes } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A fresh name next to `target`; the leading dot keeps it out of listings (no name starts with one). */
function tempNameFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Makes `target` appear whole or not at all, never replacing a file of that name: `fill` writes
 * the file under a temporary name in the same directory, then link() gives it its name and fails
 * with EEXIST when the name is taken, with no window between a check and the write. The temporary
 * name is removed whatever happens, and the directory is fsynced so the new entry survives a crash.
 */
export async function createNoReplace(
  target: string,
  fill: (temp: string) => Promise<void>,
): Promise<void> {
  const temp = tempNameFor(target);
  try {
    await fill(temp);
    await link(temp, target);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  await fsyncDir(dirname(target));
}

/** Writes `data` to a new file at `path` (0600) and flushes it to disk. */
async function writeNew(path: string, data: string): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes `data` to `target` atomically. With `overwrite: false` an existing target is left alone
 * and the call fails with EEXIST (createNoReplace).
 */
export async function writeFileAtomic(
  target: string,
  data: string,
  { overwrite }: { overwrite: boolean },
): Promise<void> {
  if (!overwrite) {
    await createNoReplace(target, (temp) => writeNew(temp, data));
    return;
  }
  const temp = tempNameFor(target);
  try {
    await writeNew(temp, data);
    await rename(temp, target);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
  await fsyncDir(dirname(target));
}

/** Renames without ever replacing an existing file (EEXIST when `to` exists). */
export async function renameNoReplace(from: string, to: string): Promise<void> {
  await link(from, to);
  await unlink(from);
  await fsyncDir(dirname(to));
}

/** Removes a file and makes the removal durable. */
export async function unlinkDurable(path: string): Promise<void> {
  await unlink(path);
  await fsyncDir(dirname(path));
}
