/**
 * Who gets a connection slot. Two rules, so that another local user (or a page of the user's own
 * browser that lacks the token) cannot lock the user out by holding connections open:
 * - a local peer whose socket belongs to a uid other than the allowed ones is closed before a
 *   byte of it is read (the owner comes from /proc/net/tcp, see security/peer-owner.ts);
 * - at the cap, the oldest connection that had its chance and has not presented a valid token
 *   makes room for the newcomer; a connection that did present one is never evicted.
 * Node's own `maxConnections` refuses the newcomer instead, which is what let 400 idle sockets
 * keep the user's requests out.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { isLoopback, type PeerOwnerLookup } from '../security/peer-owner.ts';

export interface ConnectionGateOptions {
  /** From here on, each newcomer first evicts the oldest evictable connection. */
  maxConnections: number;
  /**
   * Admitted above maxConnections while nothing is evictable yet (a burst of new connections):
   * so a newcomer is not turned away because the flood's own sockets are younger than it.
   */
  maxFresh: number;
  /**
   * Connections waiting for the owner lookup (a few ms), outside the cap so that another user's
   * flood takes no slot; beyond it a newcomer is closed.
   */
  maxPending: number;
  /** Absent: no owner check (not Linux). */
  peerOwner?: PeerOwnerLookup | undefined;
  allowedUids: () => ReadonlySet<number>;
  /** Called for each accepted connection, before the HTTP server sees it. */
  onAccepted?: (socket: Socket) => void;
}

/**
 * `fresh`: just admitted, not yet had its chance to send a request; `evictable`: had it and
 * showed no valid token; `trusted`: showed one.
 */
type SlotState = 'fresh' | 'evictable' | 'trusted';

/** How long a new connection has to present its token before it may be evicted. */
const SETTLE_MS = 100;

export interface ConnectionGate {
  /** The socket carried a valid token: it keeps its slot from now on. */
  markAuthenticated(socket: Socket): void;
  /** Counters since start, for tests and the bench. */
  readonly stats: { refusedUid: number; evicted: number; refusedFull: number };
}

/** Puts the gate in front of `server`'s own connection handling; call before listen(). */
export function gateConnections(server: Server, options: ConnectionGateOptions): ConnectionGate {
  const handlers = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  // Nothing is read from a new socket until the gate hands it on. http.createServer does not
  // pass this net.Server option through, but net.Server reads the field at every accept.
  (server as Server & { pauseOnConnect: boolean }).pauseOnConnect = true;
  /** Insertion order is age order. */
  const slots = new Map<Socket, SlotState>();
  let pending = 0;
  const stats = { refusedUid: 0, evicted: 0, refusedFull: 0 };

  function oldestEvictable(): Socket | undefined {
    for (const [socket, state] of slots) if (state === 'evictable') return socket;
    return undefined;
  }

  function settle(socket: Socket): void {
    // The timer, then the check phase after the next poll: by then a client that sent its
    // request with the connection (as every real client does) has been read and trusted, even
    // when a whole batch of connections was admitted in one turn.
    setTimeout(() => {
      setImmediate(() => {
        if (slots.get(socket) === 'fresh') slots.set(socket, 'evictable');
      });
    }, SETTLE_MS).unref();
  }

  function admit(socket: Socket): void {
    if (socket.destroyed) return;
    while (slots.size >= options.maxConnections) {
      const victim = oldestEvictable();
      if (!victim) break;
      stats.evicted++;
      slots.delete(victim);
      victim.destroy();
    }
    if (slots.size >= options.maxConnections + options.maxFresh) {
      stats.refusedFull++;
      socket.destroy();
      return;
    }
    slots.set(socket, 'fresh');
    socket.once('close', () => slots.delete(socket));
    settle(socket);
    for (const handler of handlers) handler.call(server, socket);
    // After the HTTP server's own handler, which sets its idle timeout on the socket.
    options.onAccepted?.(socket);
    socket.resume();
  }

  async function check(socket: Socket, lookup: PeerOwnerLookup): Promise<void> {
    pending++;
    try {
      const uid = await lookup(socket);
      // A loopback peer we cannot find closed already, or is not what it claims: no slot.
      const allowed =
        typeof uid === 'number'
          ? options.allowedUids().has(uid)
          : uid === null && !isLoopback(socket.remoteAddress);
      if (!allowed) {
        stats.refusedUid++;
        socket.destroy();
        return;
      }
      admit(socket);
    } catch {
      socket.destroy();
    } finally {
      pending--;
    }
  }

  server.on('connection', (socket: Socket) => {
    socket.on('error', () => undefined);
    const lookup = options.peerOwner;
    if (!lookup) {
      admit(socket);
      return;
    }
    if (pending >= options.maxPending) {
      stats.refusedFull++;
      socket.destroy();
      return;
    }
    void check(socket, lookup);
  });

  return {
    markAuthenticated(socket) {
      if (slots.has(socket)) slots.set(socket, 'trusted');
    },
    stats,
  };
}
