/**
 * A cap on live feeds per client address: tRPC subscriptions (each an open server-sent-events
 * response) and screen sockets (each a WebSocket bridged to a VM's VNC socket) count together.
 * Every feed holds a socket and a subscriber in the launcher until its client goes; a client
 * that opens them without end would exhaust both. Over the cap: 429 before any procedure.
 */
import type { RequestHandler } from 'express';
import { refuse } from './refuse.ts';

/** Far above what the web app opens (a handful per open run view). */
export const MAX_FEEDS_PER_CLIENT = 64;

/** Open feeds per client address, shared by every kind of feed. */
export class FeedCounter {
  private readonly open = new Map<string, number>();

  constructor(readonly max: number = MAX_FEEDS_PER_CLIENT) {}

  /** Counts one more feed of `client`; returns its release, or null when the client is at the cap. */
  acquire(client: string): (() => void) | null {
    const count = this.open.get(client) ?? 0;
    if (count >= this.max) return null;
    this.open.set(client, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(client) ?? 1) - 1;
      if (left <= 0) this.open.delete(client);
      else this.open.set(client, left);
    };
  }

  /** The refusal's words, the same for every kind of feed. */
  get refusal(): string {
    return `Too many live feeds from this client (at most ${this.max}); close some views.`;
  }
}

/**
 * `isFeed(path)` says whether a tRPC path (`runs.events`) is a subscription. Mounted under
 * `/trpc`, after the guard: only authenticated requests are counted.
 */
export function feedLimit(
  isFeed: (path: string) => boolean,
  counter: FeedCounter = new FeedCounter(),
): RequestHandler {
  return (req, res, next) => {
    const paths = req.path.replace(/^\//, '').split(',');
    if (req.method !== 'GET' || !paths.some(isFeed)) {
      next();
      return;
    }
    const release = counter.acquire(req.socket.remoteAddress ?? '');
    if (release === null) {
      refuse(res, 429, counter.refusal);
      return;
    }
    res.once('close', release);
    next();
  };
}
