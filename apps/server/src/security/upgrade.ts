import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Takes a protocol upgrade it recognises (a screen's WebSocket), having run its own checks;
 * returns false for any other, which is then refused.
 */
export type UpgradeRoute = (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;

/** Answers a handshake with an HTTP error and closes the connection. */
export function refuseHandshake(socket: Duplex, status: number, message: string): void {
  const reason = status === 401 ? 'Unauthorized' : status === 429 ? 'Too Many Requests' : 'Error';
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Refuses every protocol upgrade but the routes' own (the screens' WebSockets, each behind the
 * same checks as the API): an upgraded connection bypasses every per-request check of the app,
 * so nothing else may be upgraded, and CONNECT never.
 */
export function guardUpgrades(server: Server, route: UpgradeRoute | null = null): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (route?.(req, socket, head)) return;
    refuseHandshake(
      socket,
      403,
      'Forbidden: this server accepts no protocol upgrade but the screen WebSocket.',
    );
  });
  server.on('connect', (_req: IncomingMessage, socket: Duplex) =>
    refuseHandshake(socket, 403, 'Forbidden: this server accepts no CONNECT.'),
  );
}
