/**
 * Settings saved from the web app, in `<data dir>/settings.json` (0600, written atomically). Today
 * only the image roots the user added. Each root is checked when saved: an absolute directory
 * that exists, outside the data directory (whose files are never attachable anyway).
 */
import { realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { imageRootProblem, isInside } from '@mpqemu/shared';
import * as z from 'zod';
import { writeFileAtomic } from './atomic.ts';
import { readStoreFile } from './read-file.ts';

export const MAX_SAVED_ROOTS = 32;

interface Settings {
  imageRoots: string[];
}

const SettingsFile = z.object({ imageRoots: z.array(z.string()).max(MAX_SAVED_ROOTS) });

/** One refused root: `index` is its position in the list given. */
export class SettingsError extends Error {
  override name = 'SettingsError';
  constructor(
    message: string,
    readonly index: number,
  ) {
    super(message);
  }
}

export interface SettingsStore {
  get(): Promise<Settings>;
  /** Validates and saves; throws SettingsError naming the first bad root. */
  setImageRoots(roots: readonly string[], dataDirReal: string): Promise<Settings>;
}

async function checkRoot(root: string, index: number, dataDirReal: string): Promise<void> {
  const bad = imageRootProblem(root);
  if (bad) throw new SettingsError(`image root ${index + 1} (${root.slice(0, 200)}) ${bad}`, index);
  const st = await stat(root).catch(() => null);
  if (!st) throw new SettingsError(`image root ${root} does not exist`, index);
  if (!st.isDirectory()) throw new SettingsError(`image root ${root} is not a directory`, index);
  const real = await realpath(root);
  const badReal = imageRootProblem(real);
  if (badReal)
    throw new SettingsError(`image root ${root} resolves to ${real}, which ${badReal}`, index);
  if (isInside(real, dataDirReal)) {
    throw new SettingsError(
      `image root ${root} is inside the data directory; use its image library instead`,
      index,
    );
  }
}

/** The settings of `dataDir` (which must exist). */
export function createSettingsStore(dataDir: string): SettingsStore {
  const file = join(dataDir, 'settings.json');
  // Read on every call (a small file): the launcher and the API each hold a store of the same dir.
  async function get(): Promise<Settings> {
    const read = await readStoreFile(file);
    let parsed: Settings = { imageRoots: [] };
    if (read.ok) {
      try {
        const result = SettingsFile.safeParse(JSON.parse(read.text));
        if (result.success) parsed = { imageRoots: result.data.imageRoots };
      } catch {
        // A damaged file means no saved roots: confinement only ever gets stricter by it.
      }
    }
    return parsed;
  }
  return {
    get,
    async setImageRoots(roots, dataDirReal) {
      if (roots.length > MAX_SAVED_ROOTS) {
        throw new SettingsError(`at most ${MAX_SAVED_ROOTS} image roots`, MAX_SAVED_ROOTS);
      }
      const unique = [...new Set(roots.map((r) => (r.length > 1 ? r.replace(/\/+$/, '') : r)))];
      for (const [i, root] of unique.entries()) await checkRoot(root, i, dataDirReal);
      const settings = { imageRoots: unique };
      await writeFileAtomic(file, `${JSON.stringify(settings, null, 2)}\n`, { overwrite: true });
      return settings;
    },
  };
}
