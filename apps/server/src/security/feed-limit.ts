/**
 * A cap on live feeds (tRPC subscriptions, each an open server-sent-events response) per client
 * address. Every feed holds a socket and a subscriber in the launcher until its client goes; a
 * client that opens them without end would exhaust both. Over the cap: 429 before any procedure.
 */
import type { RequestHandler } from 'express';
import { refuse } from './refuse.ts';

/** Far above what the web app opens (a handful per open run view). */
export const MAX_FEEDS_PER_CLIENT = 64;

/**
 * `isFeed(path)` says whether a tRPC path (`runs.events`) is a subscription. Mounted under
 * `/trpc`, after the guard: only authenticated requests are counted.
 */
export function feedLimit(
  isFeed: (path: string) => boolean,
  max: number = MAX_FEEDS_PER_CLIENT,
): RequestHandler {
  const open = new Map<string, number>();
  return (req, res, next) => {
    const paths = req.path.replace(/^\//, '').split(',');
    if (req.method !== 'GET' || !paths.some(isFeed)) {
      next();
      return;
    }
    const client = req.socket.remoteAddress ?? '';
    const count = open.get(client) ?? 0;
    if (count >= max) {
      refuse(res, 429, `Too many live feeds from this client (at most ${max}); close some views.`);
      return;
    }
    open.set(client, count + 1);
    res.once('close', () => {
      const left = (open.get(client) ?? 1) - 1;
      if (left <= 0) open.delete(client);
      else open.set(client, left);
    });
    next();
  };
}
