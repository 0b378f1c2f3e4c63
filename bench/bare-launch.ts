/**
 * The baseline of bench/launch-bench.ts: the least a launcher can do, with Node alone (no execa,
 * no framework). Spawns a plan's argv with the same socketpairs, waits for the same QMP readiness
 * (greeting, qmp_capabilities, a query; the socket polled as often and the same way), then quits. Usable on its own:
 *   node --import tsx bench/bare-launch.ts <plan.json>
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { connectUnix, nudgingWhile } from '../apps/server/src/qmp/client.ts';
import { spawnBare, type BareProcess } from './bare-spawn.ts';

interface BareLaunchProcess extends BareProcess {
  qmpSocket: string;
}
export interface BarePlan {
  runDir: string;
  processes: BareLaunchProcess[];
  /** The main QEMU's fds that get a spare socketpair end each. */
  spares: number[];
}

/** The same wait for the socket as the server's (connectUnix), then a bare handshake and query. */
async function qmpReady(path: string, query: string, deadline: number): Promise<Socket> {
  const socket = await connectUnix(path, deadline);
  return new Promise((resolve, reject) => {
    let buffered = '';
    let stage = 0;
    socket.on('error', reject);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const msg = JSON.parse(buffered.slice(0, nl)) as Record<string, unknown>;
        buffered = buffered.slice(nl + 1);
        if ('QMP' in msg && stage === 0) {
          stage = 1;
          socket.write('{"execute":"qmp_capabilities","id":1}\n');
        } else if (msg.id === 1) {
          stage = 2;
          socket.write(`{"execute":"${query}","id":2}\n`);
        } else if (msg.id === 2) {
          resolve(socket);
        }
      }
    });
  });
}

export interface BareRun {
  children: ChildProcess[];
  qmp: Socket[];
  stop(): Promise<void>;
}

/** Starts `plan` and resolves when every process answered its query. */
export async function bareLaunch(plan: BarePlan, timeoutMs = 60_000): Promise<BareRun> {
  mkdirSync(plan.runDir, { recursive: true, mode: 0o700 });
  const { children, spares } = spawnBare(plan.processes, 'pipe', plan.spares);
  const deadline = Date.now() + timeoutMs;
  const qmp = await Promise.all(
    // Nudged like every launcher of ours: QEMU 7.2 can stall a QMP handshake for good otherwise
    // (docs/qemu-facts.md).
    plan.processes.map((p) =>
      nudgingWhile(
        p.qmpSocket,
        qmpReady(p.qmpSocket, p.role === 'main' ? 'query-status' : 'query-pci', deadline),
      ),
    ),
  );
  return {
    children,
    qmp,
    async stop() {
      const exits = children.map(
        (c) =>
          new Promise<void>((r) =>
            c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r()),
          ),
      );
      qmp.at(-1)?.write('{"execute":"quit"}\n');
      const timer = setTimeout(() => children.forEach((c) => c.kill('SIGKILL')), 3000);
      await Promise.all(exits);
      clearTimeout(timer);
      for (const s of [...qmp, ...spares]) s.destroy();
      rmSync(plan.runDir, { recursive: true, force: true });
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv[2]) {
  const plan = JSON.parse(readFileSync(process.argv[2], 'utf8')) as BarePlan;
  const t0 = performance.now();
  const run = await bareLaunch(plan);
  console.log(`ready in ${(performance.now() - t0).toFixed(1)} ms`);
  await run.stop();
}
