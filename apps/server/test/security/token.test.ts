import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  generateToken,
  MIN_TOKEN_LENGTH,
  resolveToken,
  tokenFilePath,
} from '../../src/security/token.ts';
import { secureDataDir } from '../../src/security/data-dir.ts';
import { createTokenVerifier } from '../../src/security/verifier.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpqemu-token-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('token of a start', () => {
  it('is fresh at every start, and the file only reports it (0600)', async () => {
    const first = await resolveToken(dir, undefined);
    expect(first.source).toBe('generated');
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(first.token, 'base64url')).toHaveLength(32);
    expect((await stat(tokenFilePath(dir))).mode & 0o777).toBe(0o600);
    expect((await readFile(tokenFilePath(dir), 'utf8')).trim()).toBe(first.token);
    const second = await resolveToken(dir, undefined);
    expect(second.token).not.toBe(first.token);
    expect((await readFile(tokenFilePath(dir), 'utf8')).trim()).toBe(second.token);
  });

  it('never takes a token planted in the file', async () => {
    const planted = 'p'.repeat(43);
    await writeFile(tokenFilePath(dir), `${planted}\n`, { mode: 0o600 });
    expect((await resolveToken(dir, undefined)).token).not.toBe(planted);
  });

  it('replaces a symbolic link planted as the file, never writing through it', async () => {
    const target = join(dir, 'elsewhere');
    await writeFile(target, 'keep', { mode: 0o600 });
    await symlink(target, tokenFilePath(dir));
    const { token } = await resolveToken(dir, undefined);
    expect(await readFile(target, 'utf8')).toBe('keep');
    expect((await lstat(tokenFilePath(dir))).isSymbolicLink()).toBe(false);
    expect((await readFile(tokenFilePath(dir), 'utf8')).trim()).toBe(token);
  });

  it('makes a different token each time', () => {
    expect(new Set(Array.from({ length: 50 }, generateToken)).size).toBe(50);
  });

  it('takes MPQEMU_TOKEN without writing it to disk, and removes an old file', async () => {
    await resolveToken(dir, undefined);
    const token = 'x'.repeat(MIN_TOKEN_LENGTH);
    expect(await resolveToken(dir, token)).toEqual({ token, source: 'env', file: null });
    await expect(stat(tokenFilePath(dir))).rejects.toThrow(/ENOENT/);
  });
});

describe('data directory privacy', () => {
  it('fixes group/other permissions on the directory and everything in it', async () => {
    await chmod(dir, 0o755);
    await mkdir(join(dir, 'topologies'), { mode: 0o755 });
    await writeFile(join(dir, 'topologies', 'a.json'), '{}', { mode: 0o644 });
    await writeFile(join(dir, 'settings.json'), '{}', { mode: 0o600 });
    expect(await secureDataDir(dir)).toBe(3);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'topologies'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'topologies', 'a.json'))).mode & 0o777).toBe(0o600);
    expect(await secureDataDir(dir)).toBe(0);
  });

  it('does not follow a symbolic link out of it', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'mpqemu-outside-'));
    try {
      await writeFile(join(outside, 'f'), '', { mode: 0o644 });
      await symlink(outside, join(dir, 'link'));
      await secureDataDir(dir);
      expect((await stat(join(outside, 'f'))).mode & 0o777).toBe(0o644);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});

describe('token verifier', () => {
  it('matches only the exact token and the derived cookie', () => {
    const token = generateToken();
    const v = createTokenVerifier(token);
    expect(v.matchesToken(token)).toBe(true);
    for (const wrong of ['', token.slice(1), `${token} `, token.toUpperCase(), v.cookieValue])
      expect(v.matchesToken(wrong)).toBe(false);
    expect(v.matchesCookie(v.cookieValue)).toBe(true);
    expect(v.matchesCookie(token)).toBe(false);
    expect(v.cookieValue).not.toContain(token);
  });
});
