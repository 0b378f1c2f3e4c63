/**
 * The least a launcher can do to start a plan, with Node alone (no execa, no framework): the
 * baselines of bench/launch-bench.ts and bench/cli-bench.ts. Spawns each process's argv under the
 * same setpriv wrapper, with the same socketpairs (a remote's end at its fd, handed to the main
 * QEMU; one more end at each of the main QEMU's spare fds, kept for restarts and hot-plug) and the
 * same image descriptors the planner names, as `mpqemu up` and the server do.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { Readable } from 'node:stream';

export interface BareProcess {
  name: string;
  role: 'remote' | 'main';
  argv: string[];
  /** fd -> the proxied device's id whose channel it carries. */
  fds: Record<string, string>;
  /** fd -> an image, kernel or initrd the process gets as an open descriptor. */
  files?: Record<string, { path: string; write: boolean }>;
}

export interface BareSpawned {
  children: ChildProcess[];
  /** Our ends of the spare socketpairs: held until the run ends, as a launcher must. */
  spares: Readable[];
}

/**
 * Spawns `processes` in order; `output` is where their stdout and stderr go, `spares` the main
 * QEMU's fds that get a spare socketpair end (`spares` of `mpqemu print --json`).
 */
export function spawnBare(
  processes: readonly BareProcess[],
  output: 'ignore' | 'pipe',
  spares: readonly number[],
  cwd?: string,
): BareSpawned {
  const ends = new Map<string, Readable>();
  const children: ChildProcess[] = [];
  const kept: Readable[] = [];
  for (const p of processes) {
    const stdio: (string | number | Readable)[] = ['ignore', output, output];
    const opened: number[] = [];
    for (const [fd, channel] of Object.entries(p.fds)) {
      stdio[Number(fd)] = p.role === 'remote' ? 'pipe' : (ends.get(channel) ?? 'ignore');
    }
    if (p.role === 'main') for (const fd of spares) stdio[fd] = 'pipe';
    for (const [fd, file] of Object.entries(p.files ?? {})) {
      const fileFd = openSync(file.path, file.write ? 'r+' : 'r');
      opened.push(fileFd);
      stdio[Number(fd)] = fileFd;
    }
    for (let i = 0; i < stdio.length; i++) stdio[i] ??= 'ignore';
    const child = spawn('setpriv', ['--pdeathsig', 'SIGKILL', '--', ...p.argv], {
      stdio: stdio as StdioOptions,
      ...(cwd === undefined ? {} : { cwd }),
    });
    for (const fd of opened) closeSync(fd);
    if (output === 'pipe') {
      child.stdout?.resume();
      child.stderr?.resume();
    }
    children.push(child);
    if (p.role === 'main') {
      for (const fd of spares) {
        const end = child.stdio[fd] as Readable;
        end.pause();
        kept.push(end);
      }
    }
    if (p.role === 'remote')
      for (const [fd, channel] of Object.entries(p.fds))
        ends.set(channel, child.stdio[Number(fd)] as Readable);
  }
  // The main QEMU holds every remote's peer end now; ours would only keep the channels open.
  for (const end of ends.values()) end.destroy();
  return { children, spares: kept };
}
