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
  /** Counts one image creation; throws ImageLimitReached beyond `imagesPerMinute`. */
  admitCreation(): Promise<void>;
}

/** Too many images created in the last minute: the message says which limit and where. */
export class ImageLimitReached extends Error {
  override name = 'ImageLimitReached';
}

const MINUTE_MS = 60_000;

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
  /** When each image of the last minute was created, oldest first. */
  const created: number[] = [];
  return {
    roots,
    settings,
    inUse: options.inUse,
    async admitCreation() {
      const { imagesPerMinute } = (await settings.get()).limits;
      const now = Date.now();
      while ((created[0] ?? now) <= now - MINUTE_MS) created.shift();
      if (created.length >= imagesPerMinute) {
        throw new ImageLimitReached(
          `at most ${imagesPerMinute} images a minute (imagesPerMinute in "limits" of settings.json in the data directory); wait a minute, or raise the limit`,
        );
      }
      created.push(now);
    },
    async qemuImg() {
      const found = await findExecutable(options.qemuImg ?? 'qemu-img');
      if (!found) throw new QemuImgMissing();
      return found;
    },
  };
}
