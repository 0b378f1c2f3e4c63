/**
 * Starting a plan's processes with their socketpairs. Node has no socketpair(), but libuv makes a
 * 'pipe' stdio entry with socketpair(AF_UNIX, SOCK_STREAM): each remote gets one at fd 3, and the
 * server hands its own end to the main QEMU at the fd the plan chose, then closes it. All of this
 * happens in one tick: the server's end starts reading as soon as it exists, and any delay would
 * let it swallow the first bytes of the proxy protocol.
 */
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { LaunchPlan, PlannedProcess } from '@mpqemu/shared';
import { execa } from 'execa';

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

/** execa's options for every QEMU process (bench/launch-bench.ts measures a spawn with them). */
export const EXECA_OPTIONS = {
  // buffer: false keeps execa from reading the channel or the logs into memory.
  buffer: false,
  reject: false,
  // The pdeathsig covers every way the server can end; execa's cleanup would add nothing but
  // hooking and unhooking a dozen signal handlers (signal-exit) at each launch.
  cleanup: false,
  forceKillAfterDelay: false,
  // The environment is given whole (childEnv).
  extendEnv: false,
} as const;

/**
 * The server's environment with LC_ALL=C, read once per launch: reading process.env goes through
 * the C environment key by key, and execa's extendEnv would do that again for every process.
 */
export function childEnv(): Record<string, string | undefined> {
  return { ...process.env, LC_ALL: 'C' };
}

function launch(
  process: PlannedProcess,
  stdio: StdioEntry[],
  options: SpawnOptions,
  env: Record<string, string | undefined>,
) {
  // PR_SET_PDEATHSIG via setpriv, which then execs QEMU (same pid): QEMU dies with the server even
  // when the server is SIGKILLed, which no exit handler can catch.
  return execa(options.setpriv, ['--pdeathsig', 'SIGKILL', '--', ...process.argv], {
    // A single stream value (not an array) makes execa pass its fd straight to the child.
    // A number is a descriptor of ours the child gets at that index (execa's types list only 3-9).
    stdio: stdio as unknown as ['ignore', 'pipe', 'pipe', ...('ignore' | 'pipe' | Readable)[]],
    ...EXECA_OPTIONS,
    cwd: options.cwd,
    env,
  });
}

/** A spawned QEMU process, typed by the exact options it was started with. */
export type Child = ReturnType<typeof launch>;

/** The server's end of a spare socketpair whose other end is main QEMU fd `fd`. */
export interface SpareEnd {
  fd: number;
  end: Socket;
}

export interface Spawned {
  children: Map<string, Child>;
  spares: SpareEnd[];
}

/**
 * Spawns every process of `plan` (remotes first, then main) synchronously, in plan order. The
 * main QEMU also gets the plan's spare fds; the server keeps their other ends (see spawnRemote).
 */
export function spawnPlan(plan: LaunchPlan, options: SpawnOptions): Spawned {
  const children = new Map<string, Child>();
  const spares: SpareEnd[] = [];
  const channelEnds = new Map<string, Readable>();
  const env = childEnv();
  for (const process of plan.processes) {
    if (process.role !== 'remote') continue;
    const fds = Object.keys(process.fds).map(Number);
    const files = fileEntries(process, options);
    const stdio: StdioEntry[] = ['ignore', 'pipe', 'pipe'];
    for (let fd = 3; fd < width(process); fd++) {
      stdio.push(fds.includes(fd) ? 'pipe' : (files.get(fd) ?? 'ignore'));
    }
    const child = launch(process, stdio, options, env);
    children.set(process.name, child);
    for (const [fd, device] of Object.entries(process.fds)) {
      const end = child.stdio[Number(fd)];
      if (end) channelEnds.set(device, end);
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
    for (const fd of plan.spares) stdio[fd] = 'pipe';
    const child = launch(main, stdio, options, env);
    children.set(main.name, child);
    for (const fd of plan.spares) {
      const end = child.stdio[fd] as Socket | undefined;
      if (!end) continue;
      // Nobody writes on a spare until a remote holds it; never read from it here either, and
      // never let a peer's reset crash the server.
      end.pause();
      end.on('error', () => undefined);
      spares.push({ fd, end });
    }
  }
  // If the server kept its ends, a child would never see EOF when its peer dies.
  for (const end of channelEnds.values()) end.destroy();
  return { children, spares };
}

/**
 * Starts one remote process of a running VM on a spare: the remote gets the server's end as fd 3
 * (its plan's only channel fd), and the server closes its copy at once, so that each side sees EOF
 * when the other dies, exactly as at launch.
 */
export function spawnRemote(
  process: PlannedProcess,
  spare: SpareEnd,
  options: SpawnOptions,
): Child {
  try {
    // Its images come as the descriptors the run holds, at the fds its plan names (4 and up).
    const files = fileEntries(process, options);
    const stdio: StdioEntry[] = ['ignore', 'pipe', 'pipe', spare.end];
    for (let fd = 4; fd < width(process); fd++) stdio.push(files.get(fd) ?? 'ignore');
    return launch(process, stdio, options, childEnv());
  } finally {
    spare.end.destroy();
  }
}
