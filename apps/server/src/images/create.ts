/**
 * Creating an empty image in an image root, as the store writes a topology it must not replace
 * (createNoReplace): no partial image is ever visible and nothing is overwritten, whatever fails
 * in between.
 */
import { constants } from 'node:fs';
import { chmod, open } from 'node:fs/promises';
import { join } from 'node:path';
import {
  imageNameProblem,
  imageSizeProblem,
  isInside,
  type Confinement,
  type NewImage,
} from '@mpqemu/shared';
import { runCommand } from '../runtime/run-command.ts';
import { createNoReplace } from '../store/atomic.ts';

export interface CreateImageRequest extends NewImage {
  /** Real path of the root to create in; default: the image library. */
  root?: string | undefined;
}

/** A refused creation: `field` is the input field at fault. */
export class ImageCreateError extends Error {
  override name = 'ImageCreateError';
  constructor(
    message: string,
    readonly field: 'root' | 'name' | 'format' | 'sizeMiB',
    readonly kind: 'invalid' | 'exists' | 'failed',
  ) {
    super(message);
  }
}

function pickRoot(request: CreateImageRequest, confinement: Confinement): string {
  if (request.root === undefined) return confinement.libraryDir;
  const root = confinement.roots.find((r) => r.real === request.root || r.path === request.root);
  if (!root) {
    const known = confinement.roots.map((r) => r.real).join(', ');
    throw new ImageCreateError(
      `${request.root} is not an image root (${known})`,
      'root',
      'invalid',
    );
  }
  if (isInside(root.real, confinement.dataDir) && !isInside(root.real, confinement.libraryDir)) {
    throw new ImageCreateError(`${root.real} is inside the data directory`, 'root', 'invalid');
  }
  return root.real;
}

async function makeTemp(temp: string, request: CreateImageRequest, qemuImg: string): Promise<void> {
  const bytes = request.sizeMiB * 1024 * 1024;
  if (request.format === 'raw') {
    const handle = await open(
      temp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
      0o600,
    );
    try {
      // Sparse: the file takes no space until the guest writes.
      await handle.truncate(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return;
  }
  // A fresh local name with no backing option: qemu-img opens nothing but this file.
  const result = await runCommand([qemuImg, 'create', '-q', '-f', 'qcow2', temp, String(bytes)], {
    timeoutMs: 60_000,
    env: { LC_ALL: 'C' },
  });
  if (result.code !== 0) {
    const said = (result.stderr || result.stdout).trim();
    throw new ImageCreateError(
      `qemu-img create failed: ${said || result.spawnError || `exit ${result.code ?? result.signal ?? '?'}`}`,
      'format',
      'failed',
    );
  }
  await chmod(temp, 0o600);
}

/** Creates the image and returns its path; throws ImageCreateError naming the field at fault. */
export async function createImage(
  request: CreateImageRequest,
  confinement: Confinement,
  qemuImg: string,
): Promise<string> {
  const nameProblem = imageNameProblem(request.name);
  if (nameProblem !== null) {
    throw new ImageCreateError(
      `"${request.name.slice(0, 200)}" is not a valid image name. ${nameProblem}`,
      'name',
      'invalid',
    );
  }
  const sizeProblem = imageSizeProblem(request.sizeMiB);
  if (sizeProblem !== null) throw new ImageCreateError(sizeProblem, 'sizeMiB', 'invalid');
  const dir = pickRoot(request, confinement);
  const target = join(dir, request.name);
  try {
    await createNoReplace(target, (temp) => makeTemp(temp, request, qemuImg));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new ImageCreateError(`${target} already exists; choose another name`, 'name', 'exists');
    }
    if (e instanceof ImageCreateError) throw e;
    throw new ImageCreateError(
      `cannot create ${target}: ${(e as Error).message}`,
      'root',
      'failed',
    );
  }
  return target;
}
