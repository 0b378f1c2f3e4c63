/**
 * `GET /screen/<run id>` upgraded to a WebSocket that carries the run's RFB stream, byte for
 * byte, to and from the main QEMU's VNC unix socket (the browser's noVNC speaks RFB itself). The
 * handshake passes the API's checks (Host, Origin, token) and counts as a live feed of its client;
 * the socket closes when either side ends or the run stops.
 */
import type { IncomingMessage } from 'node:http';
import { connect, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createWebSocketStream, WebSocketServer, type WebSocket } from 'ws';
import { QmpRefused, UnknownRun, type RunManager, type ScreenTarget } from '../runs/types.ts';
import type { FeedCounter } from '../security/feed-limit.ts';
import { upgradeRefusal, type GuardOptions } from '../security/guard.ts';
import { refuseHandshake, type UpgradeRoute } from '../security/upgrade.ts';

/** The path the web app opens; the run id as the API's (printable, bounded). */
const SCREEN_PATH = /^\/screen\/([A-Za-z0-9_-]{1,128})$/;

/** RFB from the browser is keys, pointer and update requests: small messages only. */
const MAX_MESSAGE_BYTES = 64 * 1024;

/** A ping this often: an idle screen sends nothing, and a vanished browser must not hold a feed. */
const PING_MS = 15_000;

export interface ScreenRouteOptions {
  guard: GuardOptions;
  feeds: FeedCounter;
  runs: () => RunManager;
  log: (message: string) => void;
}

/** The upgrade route of the screens; see the module comment. */
export function screenRoute(options: ScreenRouteOptions): UpgradeRoute {
  // No compression: RFB's own encodings already compress, and deflate would cost server CPU.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    perMessageDeflate: false,
  });
  return (req, socket, head) => {
    const match = SCREEN_PATH.exec(new URL(req.url ?? '/', 'http://localhost').pathname);
    const runId = match?.[1];
    if (runId === undefined) return false;
    const refused = upgradeRefusal(req, options.guard);
    if (refused) {
      refuseHandshake(socket, refused.status, refused.message);
      return true;
    }
    let target: ScreenTarget;
    try {
      target = options.runs().screen(runId);
    } catch (e) {
      if (e instanceof UnknownRun) refuseHandshake(socket, 404, e.message);
      else if (e instanceof QmpRefused) refuseHandshake(socket, 409, e.message);
      else throw e;
      return true;
    }
    const release = options.feeds.acquire(req.socket.remoteAddress ?? '');
    if (release === null) {
      refuseHandshake(socket, 429, options.feeds.refusal);
      return true;
    }
    upgrade(wss, req, socket, head, (ws) => bridge(ws, target, release, options.log));
    return true;
  };
}

function upgrade(
  wss: WebSocketServer,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  then: (ws: WebSocket) => void,
): void {
  // The HTTP server's short deadline for a request's headers would cut an idle screen; pings
  // (bridge) detect a dead peer instead.
  if (socket instanceof Socket) socket.setTimeout(0);
  wss.handleUpgrade(req, socket, head, then);
}

/** Pipes the WebSocket to the VNC socket both ways until either ends or the run stops. */
function bridge(
  ws: WebSocket,
  target: ScreenTarget,
  release: () => void,
  log: (message: string) => void,
): void {
  const vnc = connect(target.socket);
  const stream = createWebSocketStream(ws);
  let alive = true;
  const ping = setInterval(() => {
    if (!alive) {
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
  }, PING_MS);
  ws.on('pong', () => (alive = true));
  const stopped = () => ws.close(1001, 'the VM stopped');
  const end = () => {
    clearInterval(ping);
    target.stopping.removeEventListener('abort', stopped);
    vnc.destroy();
    stream.destroy();
    release();
  };
  if (target.stopping.aborted) stopped();
  else target.stopping.addEventListener('abort', stopped, { once: true });
  vnc.on('error', (e: NodeJS.ErrnoException) => {
    // The reason reaches the browser (at most 123 bytes); the path stays in the server's log.
    log(`screen: ${target.socket}: ${e.message}`);
    if (ws.readyState === ws.OPEN) ws.close(1011, `the VM's screen is not reachable (${e.code})`);
  });
  vnc.on('close', () => {
    if (ws.readyState === ws.OPEN) ws.close(1000, 'the VM closed its screen');
  });
  stream.on('error', () => vnc.destroy());
  ws.on('close', end);
  vnc.pipe(stream).pipe(vnc);
}
