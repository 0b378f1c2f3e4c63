/**
 * Creating an empty image in an image root. The image is made under a temporary dot-name in the
 * same folder and appears under its name with link(), which refuses an existing name: no partial
 * image is ever visible and nothing is overwritten, whatever fails in between.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, link, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isInside, type Confinement } from '@mpqemu/shared';
import { runCommand } from '../runtime/run-command.ts';

/** Letters, digits, `.`, `_`, `-`; starts with a letter or digit (no dot-files, no `/`). */
export const IMAGE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const IMAGE_NAME_RULE =
  'use 1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit (e.g. disk0.qcow2)';
/** 2 TiB: far above a test disk, below anything that would fill a home directory by accident. */
export const MAX_IMAGE_MIB = 2 * 1024 * 1024;

export interface CreateImageRequest {
  /** Real path of the root to create in; default: the image library. */
  root?: string | undefined;
  name: string;
  format: 'qcow2' | 'raw';
  sizeMiB: number;
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
  if (!IMAGE_NAME_PATTERN.test(request.name)) {
    throw new ImageCreateError(
      `"${request.name.slice(0, 200)}" is not a valid image name: ${IMAGE_NAME_RULE}`,
      'name',
      'invalid',
    );
  }
  if (
    !Number.isInteger(request.sizeMiB) ||
    request.sizeMiB < 1 ||
    request.sizeMiB > MAX_IMAGE_MIB
  ) {
    throw new ImageCreateError(
      `the size must be a whole number of MiB from 1 to ${MAX_IMAGE_MIB}`,
      'sizeMiB',
      'invalid',
    );
  }
  const dir = pickRoot(request, confinement);
  const target = join(dir, request.name);
  const temp = join(dir, `.${request.name}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await makeTemp(temp, request, qemuImg);
    await link(temp, target);
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
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  return target;
}
