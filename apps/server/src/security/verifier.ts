import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface TokenVerifier {
  /** Constant-time check of a presented token. */
  matchesToken(candidate: string): boolean;
  /** The cookie value: derived from the token, so the cookie jar never holds the token itself. */
  readonly cookieValue: string;
  matchesCookie(candidate: string): boolean;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Comparing SHA-256 digests makes both sides the same length, so timingSafeEqual applies and
 * neither the content nor the length of the secret leaks through timing.
 */
function sameSecret(expected: Buffer, candidate: string): boolean {
  return timingSafeEqual(expected, digest(candidate));
}

export function createTokenVerifier(token: string): TokenVerifier {
  const tokenDigest = digest(token);
  const cookieValue = createHmac('sha256', token)
    .update('mpqemu-studio cookie v1')
    .digest('base64url');
  const cookieDigest = digest(cookieValue);
  return {
    matchesToken: (candidate) => sameSecret(tokenDigest, candidate),
    cookieValue,
    matchesCookie: (candidate) => sameSecret(cookieDigest, candidate),
  };
}
