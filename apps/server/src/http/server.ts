/**
 * Starts the HTTP server on the configured address. Used by main.ts and by the tests, which
 * listen on port 0 and read the real port back.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Services } from '../context.ts';
import { hostPolicy, type HostPolicy } from '../security/hosts.ts';
import { guardUpgrades } from '../security/upgrade.ts';
import { FeedCounter } from '../security/feed-limit.ts';
import type { GuardOptions } from '../security/guard.ts';
import { screenRoute } from '../screen/screen-route.ts';
import { createPeerOwnerLookup } from '../security/peer-owner.ts';
import { userUids } from '../security/users.ts';
import { createTokenVerifier } from '../security/verifier.ts';
import { createApp, type WebFront } from './app.ts';
import { gateConnections, type ConnectionGate } from './connection-gate.ts';

/**
 * Bounds on sockets, so that idle connections from another local user cannot exhaust our
 * descriptors (20,000 of them once did): a cap on open connections (connection-gate.ts: at the
 * cap the oldest connection without a valid token makes room), a short deadline to send a request's headers (an idle or
 * unauthenticated socket is closed within it), and a short keep-alive between requests.
 * Feeds are not idle: tRPC sends a comment every 10 s (trpc.ts).
 */
export const SOCKET_LIMITS = {
  maxConnections: 256,
  /** Above the cap, new connections not yet given their 100 ms to show the token. */
  maxFreshConnections: 256,
  /** Accepted, waiting for the peer's owner to be looked up (Linux); not yet read from. */
  maxPendingConnections: 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  checkIntervalMs: 1_000,
  /** Without traffic either way; feeds send a comment every 10 s, so they are never idle. */
  idleSocketMs: 30_000,
} as const;

export interface ServerOptions {
  host: string;
  port: number;
  token: string;
  services: Services;
  webDist?: string;
  /** Default: the built app; `npm run dev` passes Vite's. */
  web?: WebFront;
  log?: (message: string) => void;
  /** Tests shorten these; the defaults are SOCKET_LIMITS. */
  limits?: Partial<Record<keyof typeof SOCKET_LIMITS, number>>;
  /**
   * Uids allowed to connect besides the server's own and SUDO_UID's (from the settings). Local
   * peers of any other uid are closed unread; Linux only.
   */
  extraPeerUids?: readonly number[];
  /** Default: the environment of this process (for SUDO_UID). */
  env?: NodeJS.ProcessEnv;
}

export interface RunningServer {
  server: Server;
  port: number;
  /** The base URL, without the token. */
  url: string;
  /** The URL to open: carries the token, so it is printed once and never logged. */
  openUrl: string;
  cookieName: string;
  /** Who was refused or evicted so far. */
  gate: ConnectionGate['stats'];
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? ((m: string) => console.error(m));
  let port = options.port;
  let policy: HostPolicy = hostPolicy(options.host, port);
  let gate: ConnectionGate | null = null;
  const guard: GuardOptions = {
    policy: () => policy,
    // Cookies are shared by every port of a host: one name per port keeps two servers apart.
    cookieName: () => `mpqemu-studio-${port}`,
    verifier: createTokenVerifier(options.token),
    onAuthenticated: (req) => gate?.markAuthenticated(req.socket),
  };
  // One count per client for the API's feeds and the screens' sockets together.
  const feeds = new FeedCounter();
  const app = createApp({
    services: options.services,
    webDist: options.webDist,
    web: options.web,
    log,
    guard,
    feeds,
  });
  const limits = { ...SOCKET_LIMITS, ...options.limits };
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
    },
    app,
  );
  server.timeout = limits.idleSocketMs;
  const allowedUids = userUids(options.env ?? process.env, options.extraPeerUids);
  gate = gateConnections(server, {
    maxConnections: limits.maxConnections,
    maxFresh: limits.maxFreshConnections,
    maxPending: limits.maxPendingConnections,
    peerOwner: process.platform === 'linux' ? createPeerOwnerLookup() : undefined,
    allowedUids: () => allowedUids,
    // headersTimeout only runs once bytes arrive: a socket that never sends one (the flood that
    // exhausted our descriptors) gets the same short deadline for its first request here.
    onAccepted: (socket: Socket) => socket.setTimeout(limits.headersTimeoutMs),
  });
  server.on('request', (req: IncomingMessage) => req.socket.setTimeout(limits.idleSocketMs));
  guardUpgrades(server, screenRoute({ guard, feeds, runs: () => options.services.runs, log }));
  server.listen(options.port, options.host);
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([e]) => Promise.reject(e as Error)),
  ]);
  port = (server.address() as AddressInfo).port;
  policy = hostPolicy(options.host, port);
  const url = `http://${urlHost(options.host)}:${port}/`;
  return {
    server,
    port,
    url,
    openUrl: `${url}?token=${encodeURIComponent(options.token)}`,
    cookieName: `mpqemu-studio-${port}`,
    gate: gate.stats,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Subscriptions hold their connections open; close() alone would wait for them forever.
      server.closeAllConnections();
      await closed;
    },
  };
}
