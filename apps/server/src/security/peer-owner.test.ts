import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createPeerOwnerLookup, isLoopback } from './peer-owner.ts';
import { userUids } from './users.ts';

/** A real loopback connection: the server's end, as the gate sees it. */
async function accepted(host: string): Promise<{ socket: Socket; close: () => void }> {
  const server = createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const client = connect((server.address() as AddressInfo).port, host);
  const [socket] = (await once(server, 'connection')) as [Socket];
  return {
    socket,
    close() {
      client.destroy();
      socket.destroy();
      server.close();
    },
  };
}

describe.skipIf(process.platform !== 'linux')('the owner of a peer socket', () => {
  const lookup = createPeerOwnerLookup();

  it('is our uid for a connection we opened over IPv4', async () => {
    const { socket, close } = await accepted('127.0.0.1');
    try {
      expect(await lookup(socket)).toBe(process.getuid?.());
    } finally {
      close();
    }
  });

  it('is our uid over IPv6, and for an IPv4 client of a dual-stack server', async () => {
    for (const host of ['::1']) {
      const { socket, close } = await accepted(host);
      try {
        expect(await lookup(socket)).toBe(process.getuid?.());
      } finally {
        close();
      }
    }
    const server = createServer();
    server.listen(0, '::');
    await once(server, 'listening');
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    const [socket] = (await once(server, 'connection')) as [Socket];
    try {
      expect(socket.remoteAddress).toBe('::ffff:127.0.0.1');
      expect(await lookup(socket)).toBe(process.getuid?.());
    } finally {
      client.destroy();
      socket.destroy();
      server.close();
    }
  });

  it('is found for 20 connections asked about at once', async () => {
    const conns = await Promise.all(Array.from({ length: 20 }, () => accepted('127.0.0.1')));
    try {
      const uids = await Promise.all(conns.map((c) => lookup(c.socket)));
      expect(new Set(uids)).toEqual(new Set([process.getuid?.()]));
    } finally {
      for (const c of conns) c.close();
    }
  });

  it('is not found once the peer is gone, nor for endpoints nobody holds', async () => {
    expect(
      await lookup({
        remoteAddress: '127.0.0.1',
        remotePort: 1,
        localAddress: '127.0.0.1',
        localPort: 2,
      }),
    ).toBeNull();
    expect(await lookup({})).toBeUndefined();
  });
});

describe('loopback and allowed uids', () => {
  it('tells loopback peers from others', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'].map(isLoopback)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['10.0.0.1', '::2', '::ffff:10.0.0.1', undefined].map(isLoopback)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('allows our uid, the sudo user and the named ones, and ignores a malformed SUDO_UID', () => {
    const own = process.getuid?.() ?? 0;
    expect(userUids({ SUDO_UID: '1000' }, [1234])).toEqual(new Set([own, 1000, 1234]));
    expect(userUids({ SUDO_UID: '1000; rm' })).toEqual(new Set([own]));
  });
});
