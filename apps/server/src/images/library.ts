/**
 * The image library: the images under the image roots with what their headers say, creation of
 * new images in a root, and inspection of a typed path. Every file is opened through
 * openHostFile (no final symbolic link, confinement checked on the descriptor) and read by the
 * header parser: a listing or an inspection never opens a backing file or contacts a server.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describeHostPath, isInside, type Confinement, type ImageRoot } from '@mpqemu/shared';
import { inspectImage, type ImageFacts } from './inspect.ts';
import { closeQuietly, openHostFile } from './open-file.ts';

/** Far more than a person scrolls through; a listing stops there and says so. */
const MAX_LISTED_IMAGES = 2000;
/** Folders below a root that are searched (root itself = 0). */
const MAX_LIST_DEPTH = 2;

export interface ImageEntry extends ImageFacts {
  /** The path to put in a document. */
  path: string;
  /** The real path of the root it lies under. */
  root: string;
  /** Ids of the runs that use this file now. */
  usedBy: string[];
}

export interface ImageListing {
  roots: (ImageRoot & { exists: boolean })[];
  images: ImageEntry[];
  /** True when MAX_LISTED_IMAGES was reached. */
  truncated: boolean;
}

export type InspectResult =
  | ({ ok: true; path: string; real: string; shown: string; usedBy: string[] } & ImageFacts)
  | { ok: false; path: string; code: string; message: string };

/** Which runs use each real path now. */
export type FilesInUse = () => ReadonlyMap<string, readonly string[]>;

async function isDirectory(path: string): Promise<boolean> {
  return lstat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** Candidate files under `dir`: no dot-files, no symbolic links (a root's own tree only). */
async function* walk(dir: string, depth: number): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isFile()) yield path;
    else if (entry.isDirectory() && depth < MAX_LIST_DEPTH) yield* walk(path, depth + 1);
  }
}

/** Opens `path` read-only the confined way and reads its header. */
export async function inspectPath(
  path: string,
  confinement: Confinement,
  inUse: FilesInUse,
): Promise<InspectResult> {
  const opened = await openHostFile(path, false, confinement);
  if (!opened.ok) return { ok: false, path, ...opened.refusal };
  const { fd, real, stats } = opened.file;
  try {
    const facts = await inspectImage(fd, stats);
    return {
      ok: true,
      path,
      real,
      shown: describeHostPath(path, real),
      usedBy: [...(inUse().get(real) ?? [])],
      ...facts,
    };
  } catch (e) {
    return {
      ok: false,
      path,
      code: 'host.unreadable',
      message: `${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    };
  } finally {
    await closeQuietly(fd);
  }
}

/** Every image under every root, in root order then by name. */
export async function listImages(
  confinement: Confinement,
  inUse: FilesInUse,
): Promise<ImageListing> {
  const roots = await Promise.all(
    confinement.roots.map(async (r) => ({ ...r, exists: await isDirectory(r.real) })),
  );
  const images: ImageEntry[] = [];
  const seen = new Set<string>();
  let truncated = false;
  outer: for (const root of roots) {
    if (!root.exists) continue;
    // A root inside another root (or the data dir itself as a root) must not list files twice.
    for await (const file of walk(root.real, 0)) {
      if (images.length >= MAX_LISTED_IMAGES) {
        truncated = true;
        break outer;
      }
      if (seen.has(file)) continue;
      seen.add(file);
      const found = await inspectPath(file, confinement, inUse);
      // The data directory's own files and anything refused are not images one can pick.
      if (!found.ok || !isInside(found.real, root.real)) continue;
      const { ok: _ok, real: _real, shown: _shown, ...entry } = found;
      images.push({ ...entry, root: root.real });
    }
  }
  return { roots, images, truncated };
}
