/**
 * The access token: from MPQEMU_TOKEN, else fresh for every start. Never taken from argv (other
 * local users can read /proc/PID/cmdline).
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../store/atomic.ts';

/** 32 bytes = 256 bits, base64url: 43 characters, safe in a URL and a cookie. */
export const TOKEN_BYTES = 32;
/** 32 base64url characters carry 192 bits; a shorter token is refused wherever it comes from. */
export const MIN_TOKEN_LENGTH = 32;
export const TOKEN_PATTERN = /^[A-Za-z0-9._~-]+$/;

export type TokenSource = 'env' | 'generated';

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

/**
 * The token of this start: MPQEMU_TOKEN when set, else a fresh random one, written to the 0600
 * file `<dataDir>/token` only so the user can find the URL again. The file is never read back:
 * a token that survived a restart, or one planted in the file (a guest once rewrote it through a
 * drive), would let its holder in; a new start always means a new token.
 */
export async function resolveToken(
  dataDir: string,
  envToken: string | undefined,
): Promise<{ token: string; source: TokenSource; file: string | null }> {
  const file = tokenFilePath(dataDir);
  if (envToken !== undefined) {
    // A configured token is never written down; an old file would only mislead.
    await rm(file, { force: true });
    return { token: envToken, source: 'env', file: null };
  }
  const token = generateToken();
  // rename() replaces whatever the name was (a planted symbolic link included), never its target.
  await writeFileAtomic(file, `${token}\n`, { overwrite: true });
  return { token, source: 'generated', file };
}
