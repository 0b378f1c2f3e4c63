/**
 * Settings saved from the web app, in `<data dir>/settings.json` (0600, written atomically): the
 * image roots the user added, and `allowedUids`, other local users allowed to connect (edited in
 * the file, read at start; see http/connection-gate.ts), and `limits` (DEFAULT_LIMITS, edited in
 * the file, read at each use). Each root is checked when saved: an absolute directory
 * that exists, outside the data directory (whose files are never attachable anyway).
 */
import { realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { imageRootProblem, isInside, rootProblem } from '@mpqemu/shared';
import * as z from 'zod';
import { writeFileAtomic } from './atomic.ts';
import { readStoreFile } from './read-file.ts';

export const MAX_SAVED_ROOTS = 32;

/** Bounds on what the API may make the server do; each refusal names its key here. */
export interface Limits {
  /** Runs not yet stopped or failed, at once. */
  concurrentRuns: number;
  /** Device (remote) processes in one run. */
  processesPerRun: number;
  /** Device processes of every live run together. */
  processesTotal: number;
  /** Images created through the API in any 60 s. */
  imagesPerMinute: number;
}

const DEFAULT_LIMITS: Limits = {
  concurrentRuns: 8,
  processesPerRun: 16,
  processesTotal: 64,
  imagesPerMinute: 30,
};

interface Settings {
  imageRoots: string[];
  allowedUids: number[];
  limits: Limits;
}

const Limit = z.int().min(1).max(100_000);
const SavedLimits = z
  .object({
    concurrentRuns: Limit,
    processesPerRun: Limit,
    processesTotal: Limit,
    imagesPerMinute: Limit,
  })
  .partial();

const SavedRoots = z.array(z.string()).max(MAX_SAVED_ROOTS);
const AllowedUids = z.array(z.int().min(0).max(0xfffffffe)).max(64);

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
  if (isInside(real, dataDirReal)) {
    throw new SettingsError(
      `image root ${root} is inside the data directory; use its image library instead`,
      index,
    );
  }
  const badReal = rootProblem(real, dataDirReal);
  if (badReal) {
    const shown = real === root ? root : `${root} resolves to ${real}, which`;
    throw new SettingsError(`image root ${shown} ${badReal}`, index);
  }
}

/** The settings of `dataDir` (which must exist). */
export function createSettingsStore(dataDir: string): SettingsStore {
  const file = join(dataDir, 'settings.json');
  // Read on every call (a small file): the launcher and the API each hold a store of the same dir.
  async function get(): Promise<Settings> {
    const read = await readStoreFile(file);
    const parsed: Settings = { imageRoots: [], allowedUids: [], limits: { ...DEFAULT_LIMITS } };
    if (read.ok) {
      try {
        // Each field on its own: a bad one is dropped without taking the others along.
        const raw = JSON.parse(read.text) as Record<string, unknown>;
        const roots = SavedRoots.safeParse(raw.imageRoots);
        if (roots.success) parsed.imageRoots = roots.data;
        const uids = AllowedUids.safeParse(raw.allowedUids);
        if (uids.success) parsed.allowedUids = uids.data;
        const limits = SavedLimits.safeParse(raw.limits);
        if (limits.success) {
          const d = limits.data;
          parsed.limits = {
            concurrentRuns: d.concurrentRuns ?? DEFAULT_LIMITS.concurrentRuns,
            processesPerRun: d.processesPerRun ?? DEFAULT_LIMITS.processesPerRun,
            processesTotal: d.processesTotal ?? DEFAULT_LIMITS.processesTotal,
            imagesPerMinute: d.imagesPerMinute ?? DEFAULT_LIMITS.imagesPerMinute,
          };
        }
      } catch {
        // A damaged file means no saved roots and no other users: only ever stricter.
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
      const settings = { ...(await get()), imageRoots: unique };
      await writeFileAtomic(file, `${JSON.stringify(settings, null, 2)}\n`, { overwrite: true });
      return settings;
    },
  };
}
