import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Refuses every protocol upgrade (WebSocket included) at the socket: the app speaks only HTTP and
 * SSE, and an upgraded connection would bypass every per-request check.
 */
export function refuseUpgrades(server: Server): void {
  const reject = (_req: unknown, socket: Duplex) => {
    const body = 'Forbidden: this server accepts no protocol upgrade (no WebSocket).\n';
    socket.end(
      `HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  };
  server.on('upgrade', reject);
  server.on('connect', reject);
}
