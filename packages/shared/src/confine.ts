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

export interface Confinement {
  roots: readonly ImageRoot[];
  /** Real path of the data directory: its files (token, lock, topologies, runs) are never attachable. */
  dataDir: string;
  /** Real path of the image library, the one folder of the data directory that holds images. */
  libraryDir: string;
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
  const roots = c.roots.map((r) => r.real).join(', ') || 'none';
  return `${shown} is outside the image roots (${roots}); move it into the image library or add its folder as an image root (settings, --image-root or MPQEMU_IMAGE_ROOTS)`;
}

/** Kernel pseudo-filesystems: their "files" are not images, and reading some has side effects. */
const PSEUDO_FS = ['/proc', '/sys', '/dev'];

/**
 * Why `dir` cannot be an image root, or null. The whole filesystem and the kernel's pseudo
 * filesystems are refused: the library lists and reads every file under a root.
 */
export function imageRootProblem(dir: string): string | null {
  const bad = pathProblem(dir);
  if (bad) return bad;
  if (dir.replace(/\/+$/, '') === '')
    return 'is the whole filesystem; choose the folder that holds your images';
  const pseudo = PSEUDO_FS.find((p) => isInside(dir, p));
  if (pseudo) return `is inside ${pseudo}, which holds no disk images`;
  return null;
}
