import { describe, expect, it } from 'vitest';
import {
  IMAGE_NAME_RULE,
  IMAGE_SIZE_RULE,
  MAX_IMAGE_MIB,
  NewImageSchema,
  imageNameProblem,
  imageSizeProblem,
} from '../src/index.ts';

describe('a new image', () => {
  it('is named by a plain file name of at most 128 characters', () => {
    for (const ok of ['disk0.qcow2', 'a', '0-b_c.img', 'a'.repeat(128)]) {
      expect(imageNameProblem(ok), ok).toBeNull();
    }
    for (const bad of [
      '',
      '.hidden',
      '-a',
      '../escape.img',
      'a/b',
      'a b',
      'é.img',
      'a'.repeat(129),
    ]) {
      expect(imageNameProblem(bad), bad).toBe(IMAGE_NAME_RULE);
    }
  });

  it('is a whole number of MiB from 1 to 2 TiB', () => {
    for (const ok of [1, 64, MAX_IMAGE_MIB]) expect(imageSizeProblem(ok), String(ok)).toBeNull();
    for (const bad of [0, -1, 1.5, Number.NaN, MAX_IMAGE_MIB + 1]) {
      expect(imageSizeProblem(bad), String(bad)).toBe(IMAGE_SIZE_RULE);
    }
  });

  it('is refused by the schema with the same words, on the field at fault', () => {
    const r = NewImageSchema.safeParse({ name: '../x', format: 'raw', sizeMiB: 0 });
    expect(r.error?.issues.map(({ path, message }) => ({ path, message }))).toEqual([
      { path: ['name'], message: IMAGE_NAME_RULE },
      { path: ['sizeMiB'], message: IMAGE_SIZE_RULE },
    ]);
    expect(NewImageSchema.parse({ name: 'd.img', format: 'qcow2', sizeMiB: 8 })).toEqual({
      name: 'd.img',
      format: 'qcow2',
      sizeMiB: 8,
    });
  });
});
