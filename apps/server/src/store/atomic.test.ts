import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNoReplace, writeFileAtomic } from './atomic.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpq-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createNoReplace', () => {
  it('gives the filled file its name and leaves no temporary name', async () => {
    const target = join(dir, 'a.img');
    await createNoReplace(target, (temp) => writeFile(temp, 'new'));
    expect(await readFile(target, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['a.img']);
  });

  it('refuses a taken name with EEXIST and leaves the file there as it was', async () => {
    const target = join(dir, 'a.img');
    await writeFile(target, 'old');
    await expect(createNoReplace(target, (temp) => writeFile(temp, 'new'))).rejects.toMatchObject({
      code: 'EEXIST',
    });
    expect(await readFile(target, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['a.img']);
  });

  it('shows nothing of a fill that fails half way', async () => {
    const target = join(dir, 'a.img');
    const fill = async (temp: string) => {
      await writeFile(temp, 'partial');
      throw new Error('disk full');
    };
    await expect(createNoReplace(target, fill)).rejects.toThrow('disk full');
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('writeFileAtomic', () => {
  it('replaces a file only when asked to', async () => {
    const target = join(dir, 't.json');
    await writeFileAtomic(target, '1', { overwrite: false });
    await expect(writeFileAtomic(target, '2', { overwrite: false })).rejects.toMatchObject({
      code: 'EEXIST',
    });
    expect(await readFile(target, 'utf8')).toBe('1');
    await writeFileAtomic(target, '3', { overwrite: true });
    expect(await readFile(target, 'utf8')).toBe('3');
    expect(await readdir(dir)).toEqual(['t.json']);
  });
});
