/**
 * The baseline of `mpqemu up` in bench/cli-bench.ts: the argv that `mpqemu print --json` plans,
 * spawned by bench/bare-spawn.ts, reading the guest's serial socket until a given line. No
 * validation, no probe, no QMP: the least a launcher can do. Run as a command, like `mpqemu up`
 * (cli-bench compiles it to plain JavaScript first, as the CLI is):
 *   node bare-boot.mjs PLAN.json RUN_DIR NEEDLE   prints "found" once the guest printed NEEDLE
 * (PLAN.json: the output of `mpqemu print --json`)
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { connectUnix } from '../apps/server/src/qmp/client.ts';
import { spawnBare, type BareProcess } from './bare-spawn.ts';

function serialSocketOf(argv: readonly string[]): string {
  const spec = argv.find((a) => a.startsWith('socket,id=serial0,'));
  const path = spec && /path=([^,]+)/.exec(spec)?.[1];
  if (!path) throw new Error('the plan has no serial socket');
  return path;
}

/** Resolves once the serial console (connected as soon as it exists) has printed `needle`. */
async function watchSerial(path: string, needle: string, deadline: number): Promise<void> {
  // The same wait for the socket as the server's.
  const socket = await connectUnix(path, deadline);
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    socket.on('error', reject);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      seen = (seen + chunk).slice(-4096);
      if (seen.includes(needle)) {
        socket.destroy();
        resolve();
      }
    });
  });
}

/**
 * Spawns `processes` in `runDir`; once the guest printed `needle`, calls `found`, then kills them.
 */
async function bareBoot(
  processes: readonly BareProcess[],
  spares: readonly number[],
  runDir: string,
  needle: string,
  found: () => void,
  timeoutMs = 120_000,
): Promise<void> {
  mkdirSync(runDir, { recursive: true, mode: 0o700 });
  const { children, spares: ends } = spawnBare(processes, 'ignore', spares, runDir);
  const main = processes.find((p) => p.role === 'main');
  try {
    await watchSerial(serialSocketOf(main?.argv ?? []), needle, Date.now() + timeoutMs);
    found();
  } finally {
    const exits = children.map(
      (c) =>
        new Promise((r) =>
          c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('exit', r),
        ),
    );
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(exits);
    for (const end of ends) end.destroy();
    rmSync(runDir, { recursive: true, force: true });
  }
}

const [file, runDir, needle] = process.argv.slice(2);
if (file && runDir && needle) {
  const plan = JSON.parse(readFileSync(file, 'utf8')) as {
    processes: BareProcess[];
    spares: number[];
  };
  await bareBoot(plan.processes, plan.spares, runDir, needle, () =>
    process.stdout.write('found\n'),
  );
}
