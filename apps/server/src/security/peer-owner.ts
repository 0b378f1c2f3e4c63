/**
 * Who is on the other end of a TCP connection, on Linux: a local peer's socket is listed in
 * /proc/net/tcp (or tcp6) with the uid that owns it, keyed by its local and remote address. The
 * kernel writes those lines; a local user cannot forge them, so this tells us which user opened
 * the connection before we read a byte from it.
 */
import { readFile } from 'node:fs/promises';
import { isIPv4 } from 'node:net';
import { endianness } from 'node:os';

/** What the lookup needs of a socket: both ends, as Node reports them. */
interface Endpoints {
  remoteAddress?: string | undefined;
  remotePort?: number | undefined;
  localAddress?: string | undefined;
  localPort?: number | undefined;
}

/**
 * The uid owning the peer's socket; `null` when no local socket matches (a remote host, or a peer
 * that already closed); `undefined` when the endpoints are unknown.
 */
export type PeerOwnerLookup = (socket: Endpoints) => Promise<number | null | undefined>;

const TABLES = ['/proc/net/tcp', '/proc/net/tcp6'];
/** TIME_WAIT sockets belong to nobody any more (uid 0 in the table), LISTEN ones are not peers. */
const IGNORED_STATES = new Set(['06', '0A']);
const LITTLE_ENDIAN = endianness() === 'LE';

/** 16 bytes of an IPv6 address, or 4 of an IPv4 one. */
function addressBytes(address: string): number[] | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return addressBytes(mapped[1]);
  if (isIPv4(address)) return address.split('.').map(Number);
  const halves = address.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const all = [...head, ...Array<string>(fill).fill('0'), ...tail];
  if (all.length !== 8 || all.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return null;
  return all.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

/** The kernel prints each 32-bit word of an address in host byte order. */
function procHex(bytes: readonly number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 4) {
    const word = bytes.slice(i, i + 4);
    if (LITTLE_ENDIAN) word.reverse();
    out += word.map((b) => b.toString(16).padStart(2, '0')).join('');
  }
  return out.toUpperCase();
}

function endpointKeys(address: string, port: number): string[] {
  const bytes = addressBytes(address);
  if (!bytes) return [];
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  if (bytes.length === 16) return [`${procHex(bytes)}:${portHex}`];
  // An IPv4 peer shows in tcp, or in tcp6 as ::ffff:a.b.c.d when it connected through AF_INET6.
  const mapped = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...bytes];
  return [`${procHex(bytes)}:${portHex}`, `${procHex(mapped)}:${portHex}`];
}

/** "local remote" → uid, for every socket of the tables read now. */
async function readOwners(): Promise<Map<string, number>> {
  const owners = new Map<string, number>();
  const texts = await Promise.all(TABLES.map((t) => readFile(t, 'latin1').catch(() => '')));
  for (const text of texts) {
    for (const line of text.split('\n')) {
      // "  12: 0100007F:1E6D 0100007F:A1B2 01 ... retrnsmt   uid ..."
      const fields = line.trim().split(/\s+/);
      const [, local, remote, state, , , , uid] = fields;
      if (uid === undefined || !local || !remote || IGNORED_STATES.has(state ?? '')) continue;
      const n = Number(uid);
      if (Number.isInteger(n)) owners.set(`${local} ${remote}`, n);
    }
  }
  return owners;
}

/**
 * A lookup that reads the tables once for every connection waiting at that moment: under a flood
 * of hundreds of connections a second, one read serves them all. A read that starts after a
 * connection was accepted always lists the peer's socket, unless the peer closed it already.
 */
export function createPeerOwnerLookup(): PeerOwnerLookup {
  let next: Promise<Map<string, number>> | null = null;
  let running: Promise<unknown> | null = null;
  function snapshot(): Promise<Map<string, number>> {
    if (next) return next;
    // A read already under way may have started before this connection was accepted: wait for
    // it to end, then read again, shared by everyone who asks meanwhile.
    const after = running ?? Promise.resolve();
    const read = after.then(() => {
      next = null;
      const current = readOwners();
      running = current.finally(() => {
        if (running === current) running = null;
      });
      return current;
    });
    next = read;
    return read;
  }
  return async (socket) => {
    const { remoteAddress, remotePort, localAddress, localPort } = socket;
    if (!remoteAddress || !remotePort || !localAddress || !localPort) return undefined;
    const peer = endpointKeys(remoteAddress, remotePort);
    const us = endpointKeys(localAddress, localPort);
    const owners = await snapshot();
    // The peer's own socket: its local end is our remote end, and the other way round.
    for (const p of peer) {
      for (const u of us) {
        const uid = owners.get(`${p} ${u}`);
        if (uid !== undefined) return uid;
      }
    }
    return null;
  };
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/i;

/** True for an address only this host can connect from. */
export function isLoopback(address: string | undefined): boolean {
  return address !== undefined && LOOPBACK.test(address);
}
