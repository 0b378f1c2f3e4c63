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

async function writeTemp(target: string, data: string): Promise<string> {
  // A leading dot keeps temp files out of the store's listing (names cannot start with one).
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } catch (e) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw e;
  }
  await handle.close();
  return temp;
}

/**
 * Writes `data` to `target` atomically. With `overwrite: false` an existing target is left alone
 * and the call fails with EEXIST: link() refuses an existing name, so there is no window between
 * a check and the write.
 */
export async function writeFileAtomic(
  target: string,
  data: string,
  { overwrite }: { overwrite: boolean },
): Promise<void> {
  const temp = await writeTemp(target, data);
  try {
    if (overwrite) await rename(temp, target);
    else {
      await link(temp, target);
      await unlink(temp);
    }
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
