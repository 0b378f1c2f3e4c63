/**
 * Hostile images for the tests: qcow2 files whose backing file is an `nbd:` or `http:` URL on a
 * loopback listener we count connections on, or a `json:` description naming a FIFO. Opening a
 * FIFO's write end with O_NONBLOCK fails (ENXIO) unless someone has its read end open, so
 * `fifoOpened()` sees any reader, even one that closed it again, as long as a reader blocks on it
 * (a reader without O_NONBLOCK blocks in open() until a writer comes, so it cannot slip past).
 */
import { execFileSync } from 'node:child_process';
import { constants, openSync, closeSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';

export interface CountingListener {
  port: number;
  connections(): number;
  close(): Promise<void>;
}

/** A TCP listener on 127.0.0.1 that counts connections and answers nothing. */
export async function countingListener(): Promise<CountingListener> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export function makeFifo(path: string): void {
  execFileSync('mkfifo', ['-m', '0600', path]);
}

/** Whether some process holds (or blocks opening) the FIFO's read end right now. */
export function fifoOpened(path: string): boolean {
  try {
    closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENXIO') return false;
    throw e;
  }
}

/** The three hostile backings of the issue, each pointing at `port` or at `fifo`. */
export function hostileBackings(
  port: number,
  fifo: string,
): Record<'nbd' | 'http' | 'json', string> {
  return {
    nbd: `nbd:127.0.0.1:${port}`,
    http: `http://127.0.0.1:${port}/disk.img`,
    json: `json:{"driver":"raw","file":{"driver":"file","filename":"${fifo}"}}`,
  };
}

/**
 * A qcow2 image in `dir` whose backing file is `backing`. `-u` makes qemu-img write the name
 * without opening it (verified by the tests' connection counts, which include this step).
 */
export function backedImage(dir: string, name: string, backing: string): string {
  const path = join(dir, name);
  execFileSync('qemu-img', [
    'create',
    '-q',
    '-f',
    'qcow2',
    '-u',
    '-F',
    'raw',
    '-b',
    backing,
    path,
    '64M',
  ]);
  return path;
}
