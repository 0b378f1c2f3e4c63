import type { RequestHandler } from 'express';

/**
 * The Vite build loads only same-origin module scripts and stylesheets: no inline script, so
 * script-src is 'self' alone. Styles need 'unsafe-inline' because xterm.js and React Flow insert
 * <style> elements at run time (see docs/security.md); styles cannot run code.
 */
const DIRECTIVES = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'worker-src': ["'self'", 'blob:'],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
} as const;

/**
 * The policy, with `extra` sources added to some directives (`npm run dev` adds Vite's nonce and
 * its HMR socket; the built app adds nothing).
 */
export function contentSecurityPolicy(
  extra: Partial<Record<keyof typeof DIRECTIVES, readonly string[]>> = {},
): string {
  return Object.entries(DIRECTIVES)
    .map(([name, sources]) => {
      const more = extra[name as keyof typeof DIRECTIVES] ?? [];
      return [name, ...sources, ...more].join(' ');
    })
    .join('; ');
}

export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

/** Headers on every response, errors and refusals included. */
export function securityHeaders(csp: string = CONTENT_SECURITY_POLICY): RequestHandler {
  return (_req, res, next) => {
    res.setHeader('Content-Security-Policy', csp);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    // Run state and documents must never sit in a cache; hashed assets opt back in where served.
    res.setHeader('Cache-Control', 'no-store');
    next();
  };
}
