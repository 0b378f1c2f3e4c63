/**
 * The QMP handshake against fake listeners (not QEMU): the stray-accept hang of QEMU's monitor
 * (see NUDGE_EVERY_MS in client.ts) shows up about once in 500 launches, too rarely to provoke
 * with a real QEMU, so a fake QEMU plays it: it greets the first client and then answers nothing
 * until another connection comes in, as QEMU's main thread does when its blocked accept() wakes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectQmp } from './client.ts';

const dirs: string[] = [];
const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fake QEMU monitor; `stuck` holds replies back until a second connection arrives. */
async function fakeMonitor(stuck: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'mpqemu-qmp-'));
  dirs.push(dir);
  const path = join(dir, 'qmp.sock');
  let connections = 0;
  let woken = !stuck;
  const held: (() => void)[] = [];
  const server = createServer((socket: Socket) => {
    connections += 1;
    if (connections > 1) {
      woken = true;
      for (const reply of held.splice(0)) reply();
      socket.destroy();
      return;
    }
    socket.write('{"QMP": {"version": {}, "capabilities": []}}\n');
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        const { id } = JSON.parse(line) as { id: number };
        const reply = () => socket.write(`${JSON.stringify({ return: {}, id })}\n`);
        if (woken) reply();
        else held.push(reply);
      }
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { path, connections: () => connections };
}

describe('connectQmp', () => {
  it('wakes a monitor stuck after its greeting by nudging the listener, and then works', async () => {
    const monitor = await fakeMonitor(true);
    const qmp = await connectQmp(monitor.path, 10_000);
    expect(monitor.connections()).toBeGreaterThanOrEqual(2);
    await expect(qmp.execute('query-status')).resolves.toEqual({});
    qmp.close();
  });

  it('does not nudge a monitor that answers at once', async () => {
    const monitor = await fakeMonitor(false);
    const qmp = await connectQmp(monitor.path, 10_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(monitor.connections()).toBe(1);
    qmp.close();
  });
});
