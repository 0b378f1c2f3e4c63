/**
 * A flood of idle loopback connections against the real server process (main.ts): its
 * descriptors stay bounded while they last, an idle socket is closed by the server, and once they
 * go an authenticated request answers and the descriptor count is back to where it started.
 */
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOCKET_LIMITS } from '../../src/http/server.ts';
import { startStudio, type Studio } from '../api/studio-process.ts';

const FLOOD = 1500;

let dataDir: string;
let studio: Studio;

beforeAll(async () => {
  dataDir = join(await mkdtemp(join(tmpdir(), 'mpq-flood-')), 'data');
  studio = await startStudio(dataDir);
});
afterAll(async () => {
  studio.child.kill('SIGTERM');
  await studio.child;
  await rm(join(dataDir, '..'), { recursive: true, force: true });
});

function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    // Refused or reset by the server over its cap: still a socket we count and close.
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve(socket));
    socket.once('close', () => resolve(socket));
  });
}

async function listed(): Promise<number> {
  const res = await studio.call('/trpc/topologies.list');
  return res.status;
}

describe('a bounded server', () => {
  it('closes a connection that sends nothing', async () => {
    const socket = await open(Number(new URL(studio.base).port));
    const closed = await new Promise<boolean>((resolve) => {
      socket.once('close', () => resolve(true));
      // Generous: catches a server that never closes it, not a slow one.
      setTimeout(() => resolve(false), SOCKET_LIMITS.headersTimeoutMs + 30_000);
    });
    expect(closed).toBe(true);
  });

  it('keeps its descriptors bounded under a flood of idle connections and recovers', async () => {
    expect(await listed()).toBe(200);
    // Let the pooled keep-alive connection of that request expire, then take the baseline.
    await until(() => false, SOCKET_LIMITS.keepAliveTimeoutMs + 1_000);
    const baseline = fdCount(studio.pid);
    const port = Number(new URL(studio.base).port);
    const sockets: Socket[] = [];
    for (let i = 0; i < FLOOD; i++) sockets.push(await open(port));
    let peak = fdCount(studio.pid);
    await until(() => {
      peak = Math.max(peak, fdCount(studio.pid));
      return false;
    }, 2_000);
    // One descriptor per accepted connection at most, and never more connections than the cap,
    // its room for new ones, and those waiting, unread, for their owner to be looked up.
    const { maxConnections, maxFreshConnections, maxPendingConnections } = SOCKET_LIMITS;
    expect(peak - baseline).toBeLessThanOrEqual(
      maxConnections + maxFreshConnections + maxPendingConnections + 8,
    );

    for (const s of sockets) s.destroy();
    expect(await listed()).toBe(200);
    const back = await until(() => fdCount(studio.pid) <= baseline, 60_000);
    expect(back, `fds ${fdCount(studio.pid)} vs baseline ${baseline}`).toBe(true);
  });
});
