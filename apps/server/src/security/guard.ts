/**
 * The gate in front of every route, the API and the static app alike: Host allow-list (DNS
 * rebinding), no upgrades, exact Origin, the token (URL once, then cookie; or a Bearer header),
 * and JSON-only mutations (an HTML form or a text/plain fetch cannot reach a procedure).
 */
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { Request, RequestHandler, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import type { HostPolicy } from './hosts.ts';
import { refuse } from './refuse.ts';
import type { TokenVerifier } from './verifier.ts';

export interface GuardOptions {
  /** Read per request: the port is only known once the server listens. */
  policy: () => HostPolicy;
  cookieName: () => string;
  verifier: TokenVerifier;
  /** Told of every request that carried a valid token (its connection keeps its slot). */
  onAuthenticated?: (req: Request) => void;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

type Auth = 'bearer' | 'cookie' | null;

function authOf(req: IncomingMessage, opts: GuardOptions): Auth {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) {
    return opts.verifier.matchesToken(header.slice('Bearer '.length).trim()) ? 'bearer' : null;
  }
  const cookie = req.headers.cookie
    ? parseCookies(req.headers.cookie)[opts.cookieName()]
    : undefined;
  return cookie !== undefined && opts.verifier.matchesCookie(cookie) ? 'cookie' : null;
}

/** `?token=` on a GET: trade it for the cookie and redirect to the same URL without it. */
function exchangeUrlToken(req: Request, res: Response, opts: GuardOptions, token: string): void {
  if (!opts.verifier.matchesToken(token)) {
    refuse(
      res,
      401,
      'The token in the URL is not valid. Open the URL the server printed at start.',
    );
    return;
  }
  opts.onAuthenticated?.(req);
  const url = new URL(req.originalUrl, 'http://localhost');
  url.searchParams.delete('token');
  res.setHeader(
    'Set-Cookie',
    serializeCookie(opts.cookieName(), opts.verifier.cookieValue, {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
    }),
  );
  // Leading slashes collapsed: `//host/path` in a Location header would leave the site.
  res.redirect(302, `${url.pathname.replace(/^\/+/, '/')}${url.search}`);
}

export function securityGuard(opts: GuardOptions): RequestHandler {
  return (req, res, next) => {
    const { allowedHosts, allowedOrigins } = opts.policy();
    const host = req.headers.host?.toLowerCase();
    if (host === undefined || !allowedHosts.has(host)) {
      refuse(res, 403, 'Forbidden: unrecognised Host header (use http://127.0.0.1 or localhost).');
      return;
    }
    if (req.headers.upgrade !== undefined) {
      refuse(res, 403, 'Forbidden: this server accepts no protocol upgrade (no WebSocket).');
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin)) {
      refuse(res, 403, 'Forbidden: cross-origin request.');
      return;
    }
    const safe = SAFE_METHODS.has(req.method);
    const urlToken = safe
      ? new URL(req.originalUrl, 'http://localhost').searchParams.get('token')
      : null;
    if (urlToken !== null) {
      exchangeUrlToken(req, res, opts, urlToken);
      return;
    }
    const auth = authOf(req, opts);
    if (auth === null) {
      refuse(
        res,
        401,
        'Unauthorised: open the URL mpqemu studio printed at start (it carries the token), or send Authorization: Bearer <token>.',
      );
      return;
    }
    opts.onAuthenticated?.(req);
    if (safe) {
      next();
      return;
    }
    // Browsers send Origin on every POST; a cookie-carrying request without one is not our page.
    if (origin === undefined && auth === 'cookie') {
      refuse(res, 403, 'Forbidden: a state-changing request needs an Origin header.');
      return;
    }
    const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      refuse(res, 415, 'Unsupported Media Type: state-changing requests must be application/json.');
      return;
    }
    next();
  };
}

/** Why a WebSocket handshake is refused, as an HTTP status and words; null when it may proceed. */
export interface UpgradeRefusal {
  status: number;
  message: string;
}

/**
 * The gate of a WebSocket handshake, which never reaches the middleware above: the same Host
 * allow-list, token and exact Origin. A browser always sends Origin on a handshake and the
 * cookie rides along cross-site with it, so a cookie without our Origin is refused (WebSockets
 * have no same-origin policy of their own); a Bearer token (scripts) may come without one.
 */
export function upgradeRefusal(req: IncomingMessage, opts: GuardOptions): UpgradeRefusal | null {
  const { allowedHosts, allowedOrigins } = opts.policy();
  const host = req.headers.host?.toLowerCase();
  if (host === undefined || !allowedHosts.has(host)) {
    return { status: 403, message: 'Forbidden: unrecognised Host header.' };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedOrigins.has(origin)) {
    return { status: 403, message: 'Forbidden: cross-origin WebSocket.' };
  }
  const auth = authOf(req, opts);
  if (auth === null) {
    return {
      status: 401,
      message: 'Unauthorised: the screen needs the cookie or Authorization: Bearer <token>.',
    };
  }
  if (auth === 'cookie' && origin === undefined) {
    return { status: 403, message: 'Forbidden: a WebSocket with a cookie needs an Origin header.' };
  }
  return null;
}
