import { chmod, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  generateToken,
  MIN_TOKEN_LENGTH,
  resolveToken,
  TokenError,
  tokenFilePath,
} from '../../src/security/token.ts';
import { createTokenVerifier } from '../../src/security/verifier.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpqemu-token-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('token file', () => {
  it('creates a 256-bit token in a 0600 file and reuses it', async () => {
    const first = await resolveToken(dir, undefined);
    expect(first.source).toBe('generated');
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(first.token, 'base64url')).toHaveLength(32);
    const st = await stat(tokenFilePath(dir));
    expect(st.mode & 0o777).toBe(0o600);
    expect((await readFile(tokenFilePath(dir), 'utf8')).trim()).toBe(first.token);
    const second = await resolveToken(dir, undefined);
    expect(second).toEqual({ token: first.token, source: 'file', file: tokenFilePath(dir) });
  });

  it('makes a different token each time', () => {
    expect(new Set(Array.from({ length: 50 }, generateToken)).size).toBe(50);
  });

  it('takes MPQEMU_TOKEN without writing it to disk', async () => {
    const token = 'x'.repeat(MIN_TOKEN_LENGTH);
    expect(await resolveToken(dir, token)).toEqual({ token, source: 'env', file: null });
    await expect(stat(tokenFilePath(dir))).rejects.toThrow(/ENOENT/);
  });

  it('refuses a token file other users can read', async () => {
    await resolveToken(dir, undefined);
    await chmod(tokenFilePath(dir), 0o644);
    const e = await resolveToken(dir, undefined).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(TokenError);
    expect((e as Error).message).toMatch(/readable by other users \(mode 644\)/);
  });

  it('refuses a symbolic link and a short token', async () => {
    await writeFile(join(dir, 'elsewhere'), 'y'.repeat(64), { mode: 0o600 });
    await symlink(join(dir, 'elsewhere'), tokenFilePath(dir));
    await expect(resolveToken(dir, undefined)).rejects.toThrow(/symbolic link/);
    await rm(tokenFilePath(dir));
    await writeFile(tokenFilePath(dir), 'short\n', { mode: 0o600 });
    const e = (await resolveToken(dir, undefined).catch((err: unknown) => err)) as Error;
    expect(e.message).toMatch(/5 characters; at least 32/);
    expect(e.message).not.toContain('short');
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
