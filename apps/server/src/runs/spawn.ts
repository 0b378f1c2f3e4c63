/**
 * Starting a plan's processes with their socketpairs. Node has no socketpair(), but libuv makes a
 * 'pipe' stdio entry with socketpair(AF_UNIX, SOCK_STREAM): each remote gets one at fd 3, and the
 * server hands its own end to the main QEMU at the fd the plan chose, then closes it. All of this
 * happens in one tick: the server's end starts reading as soon as it exists, and any delay would
 * let it swallow the first bytes of the proxy protocol.
 */
import type { Readable } from 'node:stream';
import type { LaunchPlan, PlannedProcess } from '@mpqemu/shared';
import { execa } from 'execa';

export interface SpawnOptions {
  /** Absolute path of setpriv (util-linux). */
  setpriv: string;
  cwd: string;
}

type StdioEntry = 'ignore' | 'pipe' | Readable;

function launch(process: PlannedProcess, stdio: StdioEntry[], options: SpawnOptions) {
  // PR_SET_PDEATHSIG via setpriv, which then execs QEMU (same pid): QEMU dies with the server even
  // when the server is SIGKILLed, which no exit handler can catch.
  return execa(options.setpriv, ['--pdeathsig', 'SIGKILL', '--', ...process.argv], {
    // A single stream value (not an array) makes execa pass its fd straight to the child;
    // buffer: false keeps execa from reading the channel or the logs into memory.
    stdio: stdio as ['ignore', 'pipe', 'pipe', ...StdioEntry[]],
    buffer: false,
    reject: false,
    cleanup: true,
    forceKillAfterDelay: false,
    cwd: options.cwd,
    env: { LC_ALL: 'C' },
    extendEnv: true,
  });
}

/** A spawned QEMU process, typed by the exact options it was started with. */
export type Child = ReturnType<typeof launch>;

/** Spawns every process of `plan` (remotes first, then main) synchronously, in plan order. */
export function spawnPlan(plan: LaunchPlan, options: SpawnOptions): Map<string, Child> {
  const children = new Map<string, Child>();
  const channelEnds = new Map<string, Readable>();
  for (const process of plan.processes) {
    if (process.role !== 'remote') continue;
    const fds = Object.keys(process.fds).map(Number);
    const width = Math.max(3, ...fds.map((fd) => fd + 1));
    const stdio: StdioEntry[] = ['ignore', 'pipe', 'pipe'];
    for (let fd = 3; fd < width; fd++) stdio.push(fds.includes(fd) ? 'pipe' : 'ignore');
    const child = launch(process, stdio, options);
    children.set(process.name, child);
    for (const [fd, device] of Object.entries(process.fds)) {
      const end = child.stdio[Number(fd)];
      if (end) channelEnds.set(device, end);
    }
  }
  const main = plan.processes.find((p) => p.role === 'main');
  if (main) {
    const fds = Object.keys(main.fds).map(Number);
    const width = Math.max(3, ...fds.map((fd) => fd + 1));
    const stdio: StdioEntry[] = ['ignore', 'pipe', 'pipe'];
    for (let fd = 3; fd < width; fd++) {
      const device = main.fds[String(fd)];
      const end = device === undefined ? undefined : channelEnds.get(device);
      stdio.push(end ?? 'ignore');
    }
    children.set(main.name, launch(main, stdio, options));
  }
  // If the server kept its ends, a child would never see EOF when its peer dies.
  for (const end of channelEnds.values()) end.destroy();
  return children;
}
