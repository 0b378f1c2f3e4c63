/**
 * Starts the HTTP server on the configured address. Used by main.ts and by the tests, which
 * listen on port 0 and read the real port back.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Services } from '../context.ts';
import { hostPolicy, type HostPolicy } from '../security/hosts.ts';
import { refuseUpgrades } from '../security/upgrade.ts';
import { createTokenVerifier } from '../security/verifier.ts';
import { createApp } from './app.ts';

export interface ServerOptions {
  host: string;
  port: number;
  token: string;
  services: Services;
  webDist?: string;
  log?: (message: string) => void;
}

export interface RunningServer {
  server: Server;
  port: number;
  /** The base URL, without the token. */
  url: string;
  /** The URL to open: carries the token, so it is printed once and never logged. */
  openUrl: string;
  cookieName: string;
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
  const app = createApp({
    services: options.services,
    webDist: options.webDist,
    log,
    guard: {
      policy: () => policy,
      // Cookies are shared by every port of a host: one name per port keeps two servers apart.
      cookieName: () => `mpqemu-studio-${port}`,
      verifier: createTokenVerifier(options.token),
    },
  });
  const server = createServer(app);
  refuseUpgrades(server);
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
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Subscriptions hold their connections open; close() alone would wait for them forever.
      server.closeAllConnections();
      await closed;
    },
  };
}
