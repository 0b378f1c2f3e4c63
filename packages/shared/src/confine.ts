/**
 * The one rule for which host files a document may hand to QEMU, used by the server's preflight
 * and image library, `mpqemu check/print/up` and the export alike. A guest writes to its disk and
 * a document names files: a drive on the server's own token file let a guest replace the token,
 * so every image, kernel and initrd must lie inside an image root, and never among the data
 * directory's own files. Pure POSIX string operations: the paths given are real paths already.
 */
import { pathProblem } from './validate/paths.ts';

export type ImageRootKind = 'library' | 'samples' | 'configured' | 'settings';

export interface ImageRoot {
  /** The directory as the user wrote it. */
  path: string;
  /** Its real path (symbolic links resolved), which is what files are checked against. */
  real: string;
  kind: ImageRootKind;
}

/** A root that resolves to a forbidden folder now: ignored, with the reason shown. */
export interface RefusedRoot extends ImageRoot {
  problem: string;
}

export interface Confinement {
  roots: readonly ImageRoot[];
  /** Roots in force by configuration or settings but ignored at this check (rootProblem). */
  refused?: readonly RefusedRoot[];
  /** Real path of the data directory: its files (token, lock, topologies, runs) are never attachable. */
  dataDir: string;
  /** Real path of the image library, the one folder of the data directory that holds images. */
  libraryDir: string;
  /**
   * The data directory's own files by identity (`device:inode` → path), outside the library: a
   * hard link to one of them has another name but is the same file, and is refused as it is.
   */
  dataFiles?: ReadonlyMap<string, string>;
}

/** The identity of a file, as `dataFiles` keys it. */
export function fileIdentity(stats: { dev: number; ino: number }): string {
  return `${stats.dev}:${stats.ino}`;
}

/** The folder of the data directory that is the image library. */
export const LIBRARY_DIR_NAME = 'images';

/** Whether `path` is `dir` or lies below it (both absolute, normalised). */
export function isInside(path: string, dir: string): boolean {
  if (dir === '/') return path.startsWith('/');
  return path === dir || path.startsWith(`${dir}/`);
}

/** `written`, plus where it really leads when that is elsewhere, so people see both names. */
export function describeHostPath(written: string, real: string): string {
  return written === real ? written : `${written} (resolves to ${real})`;
}

/**
 * Why the file at real path `real` (written as `written`) may not be attached, or null when it
 * may. The written path must itself pass `pathProblem` (absolute, no `..`, no protocol).
 */
export function confinementProblem(written: string, real: string, c: Confinement): string | null {
  const bad = pathProblem(written);
  if (bad) return `path ${bad}`;
  const shown = describeHostPath(written, real);
  if (isInside(real, c.dataDir) && !isInside(real, c.libraryDir)) {
    return `${shown} is one of mpqemu studio's own files (the data directory ${c.dataDir}); it can never be attached`;
  }
  if (c.roots.some((r) => isInside(real, r.real))) return null;
  const ignored = c.refused?.find((r) => isInside(real, r.real));
  if (ignored) {
    return `${shown} is under the image root ${describeHostPath(ignored.path, ignored.real)}, which is ignored: it ${ignored.problem}`;
  }
  const roots = c.roots.map((r) => r.real).join(', ') || 'none';
  return `${shown} is outside the image roots (${roots}); move it into the image library or add its folder as an image root (settings, --image-root or MPQEMU_IMAGE_ROOTS)`;
}

/**
 * System folders that can never be image roots, nor any folder inside them: the kernel's pseudo
 * filesystems (not images; reading some has side effects), the system's configuration and
 * secrets (/etc/shadow), the boot files and the runtime state of the system's services.
 */
const SYSTEM_DIRS = ['/proc', '/sys', '/dev', '/etc', '/boot', '/run'];
/** Never a root themselves (everything below would become attachable); folders inside may be. */
const WHOLE_DIRS = ['/root'];

/**
 * Why `dir` cannot be an image root, or null: not `/`, not a system folder or anything inside
 * one, not /root. Checked on the written path and again on the real one at every use
 * (rootProblem), since a root that is a symbolic link can be pointed elsewhere after it is saved.
 */
export function imageRootProblem(dir: string): string | null {
  const bad = pathProblem(dir);
  if (bad) return bad;
  const trimmed = dir.replace(/\/+$/, '');
  if (trimmed === '') return 'is the whole filesystem; choose the folder that holds your images';
  const system = SYSTEM_DIRS.find((p) => isInside(trimmed, p));
  if (system) return `is inside ${system}, a system folder that holds no disk images`;
  if (WHOLE_DIRS.includes(trimmed))
    return `is ${trimmed}, a whole home folder; choose the folder inside it that holds your images`;
  return null;
}

/**
 * Why the root whose real path is `real` is refused now, or null: imageRootProblem, or it is the
 * data directory or one of its ancestors (its token, settings and topologies would lie inside).
 * The image library (inside the data directory) is the caller's one exception.
 */
export function rootProblem(real: string, dataDir: string): string | null {
  const bad = imageRootProblem(real);
  if (bad) return bad;
  if (isInside(dataDir, real))
    return `contains mpqemu studio's data directory (${dataDir}), whose files can never be attached`;
  return null;
}

/** Folders whose whole content is too much to hand to a VM: the user is warned, not refused. */
const WARN_DIRS = ['/usr', '/var', '/opt', '/srv', '/lib', '/lib64', '/bin', '/sbin', '/home'];

/**
 * A warning for a root that is allowed but wide, or null: a system folder or a home folder makes
 * every file the server can read under it attachable to a VM (read-write where it can write).
 */
export function imageRootWarning(dir: string): string | null {
  const trimmed = dir.replace(/\/+$/, '');
  const system = WARN_DIRS.find((p) => trimmed === p || (p !== '/home' && isInside(trimmed, p)));
  if (system) {
    return `${trimmed} is a system folder: every file the server can read under it (programs, libraries, logs, databases) becomes attachable to a VM, and writable where the server can write`;
  }
  if (/^\/home\/[^/]+$/.test(trimmed) || /^\/root\/?$/.test(trimmed)) {
    return `${trimmed} is a whole home folder: every file in it (SSH keys in .ssh, browser profiles, documents) becomes attachable to a VM, and writable by it; choose the folder that holds your images`;
  }
  return null;
}
