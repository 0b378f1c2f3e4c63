/**
 * Starting a plan's processes with their socketpairs. Node has no socketpair(), but libuv makes a
 * 'pipe' stdio entry with socketpair(AF_UNIX, SOCK_STREAM): each remote gets one at fd 3, and the
 * server hands its own end to the main QEMU at the fd the plan chose, then closes it. All of this
 * happens in one tick: the server's end starts reading as soon as it exists, and any delay would
 * let it swallow the first bytes of the proxy protocol.
 */
import type { Readable } from 'node:stream';
import type { LaunchPlan, PlannedProcess } from '@mpqemu/shared';
import { execa, type ResultPromise } from 'execa';

export interface SpawnOptions {
  /** Absolute path of setpriv (util-linux). */
  setpriv: string;
  cwd: string;
  /** The descriptor the preflight opened for a host file of the plan (PlannedProcess.files). */
  fileFd: (path: string, write: boolean) => number | undefined;
}

type StdioEntry = 'ignore' | 'pipe' | Readable | number;

/** The parent fd to give the child at each of its `files` fds; throws if one was not opened. */
function fileEntries(process: PlannedProcess, options: SpawnOptions): Map<number, number> {
  const entries = new Map<number, number>();
  for (const [fd, file] of Object.entries(process.files ?? {})) {
    const parent = options.fileFd(file.path, file.write);
    if (parent === undefined) throw new Error(`${file.path} was not opened by the host check`);
    entries.set(Number(fd), parent);
  }
  return entries;
}

function width(process: PlannedProcess): number {
  const fds = [...Object.keys(process.fds), ...Object.keys(process.files ?? {})].map(Number);
  return Math.max(3, ...fds.map((fd) => fd + 1));
}

function launch(
  process: PlannedProcess,
  stdio: StdioEntry[],
  options: SpawnOptions,
): ResultPromise {
  // PR_SET_PDEATHSIG via setpriv, which then execs QEMU (same pid): QEMU dies with the server even
  // when the server is SIGKILLed, which no exit handler can catch.
  return execa(options.setpriv, ['--pdeathsig', 'SIGKILL', '--', ...process.argv], {
    // A single stream value (not an array) makes execa pass its fd straight to the child;
    // buffer: false keeps execa from reading the channel or the logs into memory.
    // A number is a descriptor of ours the child gets at that index (execa's types list only 3-9).
    stdio: stdio as unknown as ['ignore', 'pipe', 'pipe', ...('ignore' | 'pipe' | Readable)[]],
    buffer: false,
    reject: false,
    cleanup: true,
    forceKillAfterDelay: false,
    cwd: options.cwd,
    env: { LC_ALL: 'C' },
    extendEnv: true,
  });
}

/** Spawns every process of `plan` (remotes first, then main) synchronously, in plan order. */
export function spawnPlan(plan: LaunchPlan, options: SpawnOptions): Map<string, ResultPromise> {
  const children = new Map<string, ResultPromise>();
  const channelEnds = new Map<string, Readable>();
  for (const process of plan.processes) {
    if (process.role !== 'remote') continue;
    const fds = Object.keys(process.fds).map(Number);
    const files = fileEntries(process, options);
    const stdio: StdioEntry[] = ['ignore', 'pipe', 'pipe'];
    for (let fd = 3; fd < width(process); fd++) {
      stdio.push(fds.includes(fd) ? 'pipe' : (files.get(fd) ?? 'ignore'));
    }
    const child = launch(process, stdio, options);
    children.set(process.name, child);
    for (const [fd, device] of Object.entries(process.fds)) {
      const end = child.stdio[Number(fd)];
      if (end) channelEnds.set(device, end as Readable);
    }
  }
  const main = plan.processes.find((p) => p.role === 'main');
  if (main) {
    const files = fileEntries(main, options);
    const stdio: StdioEntry[] = ['ignore', 'pipe', 'pipe'];
    for (let fd = 3; fd < width(main); fd++) {
      const device = main.fds[String(fd)];
      const end = device === undefined ? undefined : channelEnds.get(device);
      stdio.push(end ?? files.get(fd) ?? 'ignore');
    }
    children.set(main.name, launch(main, stdio, options));
  }
  // If the server kept its ends, a child would never see EOF when its peer dies.
  for (const end of channelEnds.values()) end.destroy();
  return children;
}
