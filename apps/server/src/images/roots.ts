/**
 * The image roots of this server: the image library (`<data dir>/images`), the folder of the
 * samples' files, the roots given by --image-root / MPQEMU_IMAGE_ROOTS, and those saved from the
 * settings page. Resolved again for every check, so a change in the settings applies at once.
 */
import { lstat, mkdir, readdir, realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { GUEST_DIR } from '../repo-paths.ts';
import { createSettingsStore, type SettingsStore } from '../store/settings.ts';
import {
  fileIdentity,
  LIBRARY_DIR_NAME,
  rootProblem,
  type Confinement,
  type ImageRoot,
  type RefusedRoot,
} from '@mpqemu/shared';

/**
 * Where the examples' files live: the test guest and sample disks that scripts/build-guest.sh
 * and scripts/sample-disks.sh make (not in git). The examples refer to them as ../.cache/guest.
 */
// From repo-paths: the same path whether this runs as a source file or inside the bundle.
const DEFAULT_SAMPLES_DIR = resolve(GUEST_DIR);

interface RootsOptions {
  dataDir: string;
  /** The samples' folder; null: none. Default DEFAULT_SAMPLES_DIR. */
  samplesDir?: string | null;
  /** From --image-root and MPQEMU_IMAGE_ROOTS. */
  configured?: readonly string[];
  /** The roots saved in the settings. */
  saved?: () => Promise<readonly string[]>;
}

export interface ImageRoots {
  /** The image library's folder (created 0700 when missing). */
  libraryDir(): Promise<string>;
  /**
   * Every root and the data directory, real paths resolved now; a root whose real path is
   * forbidden now (rootProblem) is in `refused`, not in `roots`.
   */
  confinement(): Promise<Confinement>;
}

async function real(path: string): Promise<string> {
  // A root that does not exist (yet) cannot contain anything; its written form is harmless.
  return realpath(path).catch(() => resolve(path));
}

/** Far more than a data directory holds (50 runs' logs, the topologies); a bound on the walk. */
const MAX_DATA_FILES = 20_000;

/**
 * The data directory's files outside the library, by identity: compared with every file opened
 * for QEMU, so that a hard link to the token or the settings, under any name, is refused.
 */
async function dataFilesOf(dataDir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const pending = [dataDir];
  while (pending.length > 0 && found.size < MAX_DATA_FILES) {
    const dir = pending.pop() ?? '';
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (dir === dataDir && entry.name === LIBRARY_DIR_NAME) continue;
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile()) {
        const st = await lstat(path).catch(() => null);
        if (st) found.set(fileIdentity(st), path);
      }
    }
  }
  return found;
}

function libraryDirOf(dataDir: string): string {
  return join(resolve(dataDir), LIBRARY_DIR_NAME);
}

/** The roots of a data directory. */
function createImageRoots(options: RootsOptions): ImageRoots {
  const library = libraryDirOf(options.dataDir);
  const samplesDir = options.samplesDir === undefined ? DEFAULT_SAMPLES_DIR : options.samplesDir;
  return {
    async libraryDir() {
      await mkdir(library, { recursive: true, mode: 0o700 });
      return library;
    },
    async confinement() {
      const resolved = (written: [string, ImageRoot['kind']][]) =>
        Promise.all(written.map(async ([path, kind]) => ({ path, real: await real(path), kind })));
      // Every lookup at once: this is on the way from Start to the first QEMU.
      const [fixed, saved, dataDir, dataFiles] = await Promise.all([
        resolved([
          [library, 'library'],
          ...(samplesDir === null ? [] : [[samplesDir, 'samples'] as [string, 'samples']]),
          ...(options.configured ?? []).map((p): [string, 'configured'] => [p, 'configured']),
        ]),
        (options.saved ? options.saved() : Promise.resolve([])).then((paths) =>
          resolved(paths.map((p): [string, 'settings'] => [p, 'settings'])),
        ),
        real(options.dataDir),
        dataFilesOf(resolve(options.dataDir)),
      ]);
      // Checked as files, here, at every use: a saved root that is a symbolic link may point at
      // / today, and settings.json may have been edited by hand.
      const roots: ImageRoot[] = [];
      const refused: RefusedRoot[] = [];
      for (const root of [...fixed, ...saved]) {
        const problem = root.kind === 'library' ? null : rootProblem(root.real, dataDir);
        if (problem) refused.push({ ...root, problem });
        else roots.push(root);
      }
      const libraryDir = fixed[0]?.real ?? resolve(library);
      return { roots, refused, dataDir, libraryDir, dataFiles };
    },
  };
}

export interface HostRootsOptions {
  dataDir: string;
  /** From --image-root and MPQEMU_IMAGE_ROOTS. */
  configured?: readonly string[] | undefined;
  /** Default: the settings of `dataDir`. */
  settings?: SettingsStore | undefined;
}

/**
 * The one set of roots of a server or CLI on `dataDir`: the library, the samples' folder, the
 * configured roots and those saved in the settings. The studio makes it once and hands the same
 * object to the launcher, the image library, inspection, the pickers and the settings page; the
 * CLI makes its own from the same configuration, so all of them agree.
 */
export function createHostRoots(options: HostRootsOptions): ImageRoots {
  const settings = options.settings ?? createSettingsStore(options.dataDir);
  return createImageRoots({
    dataDir: options.dataDir,
    configured: options.configured ?? [],
    saved: async () => (await settings.get()).imageRoots,
  });
}
