/**
 * What the image and settings routers need: the roots, the saved settings, the qemu-img binary
 * (only to create qcow2 images) and which runs hold which files.
 */
import { findExecutable } from '../probe/binary.ts';
import { createSettingsStore, type SettingsStore } from '../store/settings.ts';
import type { FilesInUse } from './library.ts';
import { createHostRoots, type ImageRoots } from './roots.ts';

export interface ImageService {
  roots: ImageRoots;
  settings: SettingsStore;
  /** Absolute path of qemu-img; throws when it is not installed. */
  qemuImg(): Promise<string>;
  inUse: FilesInUse;
}

export interface ImageServiceOptions {
  dataDir: string;
  /** Default: createHostRoots over `dataDir` and its saved settings; the studio passes its one. */
  roots?: ImageRoots | undefined;
  settings?: SettingsStore;
  inUse: FilesInUse;
  qemuImg?: string;
}

/** Thrown when qemu-img is needed and missing. */
export class QemuImgMissing extends Error {
  override name = 'QemuImgMissing';
  constructor() {
    super(
      'qemu-img not found; it creates qcow2 images. Install it with: apt-get install qemu-utils',
    );
  }
}

export function createImageService(options: ImageServiceOptions): ImageService {
  const settings = options.settings ?? createSettingsStore(options.dataDir);
  const roots = options.roots ?? createHostRoots({ dataDir: options.dataDir, settings });
  return {
    roots,
    settings,
    inUse: options.inUse,
    async qemuImg() {
      const found = await findExecutable(options.qemuImg ?? 'qemu-img');
      if (!found) throw new QemuImgMissing();
      return found;
    },
  };
}
