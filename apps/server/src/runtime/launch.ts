/**
 * Starting a plan's processes with their socketpairs, and a remote process of a running VM on a
 * spare channel. All of a plan's spawns happen in one tick: our end of a channel starts reading as
 * soon as it exists, and any delay would let it swallow the first bytes of the proxy protocol.
 */
import type { Socket } from 'node:net';
import type { LaunchPlan, PlannedProcess } from '@mpqemu/shared';
import { qemuEnv, spawnQemu, type FdSource, type QemuProcess } from './qemu-process.ts';

/** How a plan is launched; what each process runs under is its jail's wrapper (PlannedProcess.jail). */
export interface LaunchOptions {
  cwd?: string;
  /** The descriptor opened for a host file of the plan (PlannedProcess.files); undefined: none. */
  fileFd: (path: string, write: boolean) => number | undefined;
  output?: 'pipe' | 'ignore';
}

/** Our end of a spare socketpair whose other end is main QEMU fd `fd`. */
export interface SpareEnd {
  fd: number;
  end: Socket;
}

export interface Launched {
  /** By process name, in plan order. */
  processes: Map<string, QemuProcess>;
  spares: SpareEnd[];
}

/** setpriv execs QEMU (same pid) after PR_SET_PDEATHSIG: QEMU dies with its orchestrator. */
export function pdeathsigWrapper(setpriv: string): string[] {
  return [setpriv, '--pdeathsig', 'SIGKILL', '--'];
}

/** The process's own descriptors: its monitor's and console's new pairs, and its opened files. */
function ownFds(process: PlannedProcess, options: LaunchOptions): Map<number, FdSource> {
  const fds = new Map<number, FdSource>([[process.qmpFd, { kind: 'pair' }]]);
  if (process.serialFd !== null) fds.set(process.serialFd, { kind: 'pair' });
  for (const [fd, file] of Object.entries(process.files ?? {})) {
    const parent = options.fileFd(file.path, file.write);
    if (parent === undefined) throw new Error(`${file.path} was not opened for ${process.name}`);
    fds.set(Number(fd), { kind: 'file', fd: parent });
  }
  return fds;
}

/**
 * Spawns every process of `plan` synchronously, remotes first, each remote's channel end handed
 * to the main QEMU at the fd the plan chose; the main QEMU also gets the spare fds, whose other
 * ends we keep (paused: nobody writes on a spare until a remote holds it). Throws before any
 * spawn when a file of the plan was not opened.
 */
export function launchPlan(plan: LaunchPlan, options: LaunchOptions): Launched {
  const env = qemuEnv();
  // Every descriptor is looked up before the first spawn: a refusal then leaves no process.
  const own = new Map(plan.processes.map((p) => [p.name, ownFds(p, options)]));
  const processes = new Map<string, QemuProcess>();
  const channelEnds = new Map<string, Socket>();
  const spawn = (p: PlannedProcess, fds: Map<number, FdSource>) => {
    const proc = spawnQemu({
      name: p.name,
      argv: p.argv,
      fds,
      env,
      wrapper: p.jail.wrapper,
      jailed: p.jail.confined,
      ...common(options),
    });
    processes.set(p.name, proc);
    return proc;
  };
  for (const p of plan.processes) {
    if (p.role !== 'remote') continue;
    const fds = new Map(own.get(p.name));
    for (const fd of Object.keys(p.fds)) fds.set(Number(fd), { kind: 'pair' });
    const proc = spawn(p, fds);
    for (const [fd, device] of Object.entries(p.fds)) {
      const end = proc.ends.get(Number(fd));
      proc.ends.delete(Number(fd));
      if (end) channelEnds.set(device, end);
    }
  }
  const spares: SpareEnd[] = [];
  const main = plan.processes.find((p) => p.role === 'main');
  if (main) {
    const fds = new Map(own.get(main.name));
    for (const [fd, device] of Object.entries(main.fds)) {
      const end = channelEnds.get(device);
      if (end) fds.set(Number(fd), { kind: 'socket', socket: end });
    }
    for (const fd of plan.spares) fds.set(fd, { kind: 'pair' });
    const proc = spawn(main, fds);
    for (const fd of plan.spares) {
      const end = proc.ends.get(fd);
      proc.ends.delete(fd);
      if (!end) continue;
      end.pause();
      spares.push({ fd, end });
    }
  }
  // If we kept our copies, a child would never see EOF when its peer dies.
  for (const end of channelEnds.values()) end.destroy();
  return { processes, spares };
}

function common(options: LaunchOptions) {
  return {
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.output === undefined ? {} : { output: options.output }),
  };
}

/**
 * Starts remote process `process` of a running VM on `spare`: it gets our end of the spare at its
 * channel fd, and we close our copy at once so that each side sees EOF when the other dies.
 */
export function launchOnSpare(
  process: PlannedProcess,
  spare: SpareEnd,
  options: LaunchOptions,
): QemuProcess {
  try {
    const fds = ownFds(process, options);
    for (const fd of Object.keys(process.fds)) {
      fds.set(Number(fd), { kind: 'socket', socket: spare.end });
    }
    return spawnQemu({
      name: process.name,
      argv: process.argv,
      fds,
      env: qemuEnv(),
      wrapper: process.jail.wrapper,
      jailed: process.jail.confined,
      ...common(options),
    });
  } finally {
    spare.end.destroy();
  }
}
