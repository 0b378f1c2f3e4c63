/**
 * The baseline of `mpqemu up` in bench/cli-bench.ts: the argv that `mpqemu print --json` plans,
 * spawned by the runtime (bench/bare-launch.ts), reading the guest's serial console until a given
 * line. No validation, no probe, no QMP: the least a launcher can do. Run as a command, like
 * `mpqemu up` (cli-bench compiles it to plain JavaScript first, as the CLI is):
 *   node bare-boot.mjs PLAN.json NEEDLE   prints "found" once the guest printed NEEDLE
 */
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { terminate } from '../apps/server/src/runtime/terminate.ts';
import { bareSpawn, type BarePlan } from './bare-launch.ts';

/** Resolves once the console (our end, read from the spawn on) has printed `needle`. */
function watchSerial(socket: Socket, needle: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let seen = '';
    socket.on('error', reject);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      seen = (seen + chunk).slice(-4096);
      if (seen.includes(needle)) resolve();
    });
  });
}

const [file, needle] = process.argv.slice(2);
if (file && needle) {
  const plan = JSON.parse(readFileSync(file, 'utf8')) as BarePlan;
  const { processes, spares } = bareSpawn(plan, 'ignore');
  const main = plan.processes.find((p) => p.role === 'main');
  const serial =
    main?.serialFd == null ? undefined : processes.get(main.name)?.ends.get(main.serialFd);
  if (!serial) throw new Error('the plan has no serial console');
  await watchSerial(serial, needle);
  process.stdout.write('found\n');
  const all = [...processes.values()];
  for (const p of all) p.kill('SIGKILL');
  await terminate(all, 0, 0);
  for (const s of spares) s.end.destroy();
  for (const p of all) for (const end of p.ends.values()) end.destroy();
}
