/**
 * The access token: from MPQEMU_TOKEN, else the 0600 file `<dataDir>/token`, else a new random
 * one stored there. Never taken from argv (other local users can read /proc/PID/cmdline).
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../store/atomic.ts';

/** 32 bytes = 256 bits, base64url: 43 characters, safe in a URL and a cookie. */
const TOKEN_BYTES = 32;
/** 32 base64url characters carry 192 bits; a shorter token is refused wherever it comes from. */
export const MIN_TOKEN_LENGTH = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9._~-]+$/;

export type TokenSource = 'env' | 'file' | 'generated';

export class TokenError extends Error {
  override name = 'TokenError';
}

export function tokenFilePath(dataDir: string): string {
  return join(dataDir, 'token');
}

export function generateToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** Returns why `token` is too weak or unusable in a URL, or null when it is fine. */
export function tokenProblem(token: string): string | null {
  if (token.length < MIN_TOKEN_LENGTH)
    return `is ${token.length} characters; at least ${MIN_TOKEN_LENGTH} are needed (192 bits)`;
  if (token.length > 512) return 'is longer than 512 characters';
  if (!TOKEN_PATTERN.test(token))
    return 'may only contain letters, digits, ".", "_", "~" and "-" (it goes into a URL)';
  return null;
}

async function readTokenFile(file: string): Promise<string | null> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') throw new TokenError(`${file} is a symbolic link; remove it`);
    throw new TokenError(`cannot read ${file} (${code ?? String(e)})`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new TokenError(`${file} is not a regular file; remove it`);
    if (typeof process.getuid === 'function' && stat.uid !== process.getuid())
      throw new TokenError(`${file} belongs to another user (uid ${stat.uid}); remove it`);
    // Anyone who can read the token can drive QEMU as this user: refuse rather than repair, so a
    // token that may already have leaked is not quietly kept.
    if ((stat.mode & 0o077) !== 0) {
      throw new TokenError(
        `${file} is readable by other users (mode ${(stat.mode & 0o777).toString(8)}); delete it to get a new token`,
      );
    }
    const token = (await handle.readFile('utf8')).trim();
    const problem = tokenProblem(token);
    if (problem)
      throw new TokenError(`the token in ${file} ${problem}; delete the file to get a new one`);
    return token;
  } finally {
    await handle.close();
  }
}

/** Finds or creates the token (the data directory must exist). */
export async function resolveToken(
  dataDir: string,
  envToken: string | undefined,
): Promise<{ token: string; source: TokenSource; file: string | null }> {
  if (envToken !== undefined) return { token: envToken, source: 'env', file: null };
  const file = tokenFilePath(dataDir);
  const existing = await readTokenFile(file);
  if (existing) return { token: existing, source: 'file', file };
  const token = generateToken();
  try {
    // Created 0600 before a byte is written, and never replacing a file another start just wrote.
    await writeFileAtomic(file, `${token}\n`, { overwrite: false });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const raced = await readTokenFile(file);
    if (raced) return { token: raced, source: 'file', file };
    throw e;
  }
  return { token, source: 'generated', file };
}
