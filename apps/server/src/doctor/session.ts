/**
 * One VM of a doctor check: the remote process with the model under test, the main QEMU with
 * spare socketpair ends for later hot-plugs (docs/live.md: an fd the main QEMU inherited at launch
 * is usable as `"fd":"<n>"` in device_add, once), its QMP monitor and the guest's serial console,
 * all started and spoken to by the runtime.
 */
import { closeSync, constants, openSync } from 'node:fs';
import type { LaunchPlan, PlannedProcess } from '@mpqemu/shared';
import { launchOnSpare, launchPlan, type LaunchOptions, type SpareEnd } from '../runtime/launch.ts';
import { openQmp, type QmpClient } from '../runtime/qmp.ts';
import { GuestConsole } from './guest-console.ts';
import { killAll, watched, type DoctorProcess } from './processes.ts';

/** Spare ends for a hot-plug, then the two plugs of a restart. */
const SPARES = 3;

export interface Session {
  main: DoctorProcess;
  processes: DoctorProcess[];
  /** Unused spares, in fd order. */
  spares: SpareEnd[];
  console: GuestConsole;
  qmp?: QmpClient;
  /** The main QEMU's monitor fd, whose other end we hold. */
  mainQmpFd: number;
  options: LaunchOptions;
  /** The guest's kernel, initrd and disks, opened here: a jail has no path to them. */
  opened: Map<string, number>;
}

/** Opens each file of the plan once, on first use (doctor's own guest and scratch disks). */
function fileOpener(opened: Map<string, number>): LaunchOptions['fileFd'] {
  return (path, write) => {
    const key = `${write ? 'w' : 'r'}:${path}`;
    let fd = opened.get(key);
    if (fd === undefined) {
      fd = openSync(path, (write ? constants.O_RDWR : constants.O_RDONLY) | constants.O_NOFOLLOW);
      opened.set(key, fd);
    }
    return fd;
  };
}

/**
 * Starts the remote and the main QEMU (with `extraMainArgs`) through the runtime, in one tick,
 * with SPARES spare ends on fds past every fd of the plan.
 */
export function startSession(
  remote: PlannedProcess,
  main: PlannedProcess,
  extraMainArgs: readonly string[],
): Session {
  if (Object.keys(main.fds).join() !== '3') throw new Error('doctor expects one channel at fd 3');
  const used = [3, main.qmpFd, main.serialFd ?? 0, ...Object.keys(main.files ?? {}).map(Number)];
  const first = Math.max(...used) + 1;
  const plan: LaunchPlan = {
    runDir: '',
    processes: [remote, { ...main, argv: [...main.argv, ...extraMainArgs] }],
    channels: [],
    pciSlots: {},
    problems: [],
    spares: Array.from({ length: SPARES }, (_, i) => first + i),
    proxyChannel: 'fd',
  };
  const opened = new Map<string, number>();
  const options: LaunchOptions = { fileFd: fileOpener(opened) };
  let launched;
  try {
    launched = launchPlan(plan, options);
  } catch (e) {
    for (const fd of opened.values()) closeSync(fd);
    throw e;
  }
  const processes = [...launched.processes].map(([name, proc]) =>
    watched(name === 'main' ? 'main QEMU' : `remote ${name}`, proc),
  );
  const mainProcess = processes.find((p) => p.proc.name === 'main');
  const serial =
    main.serialFd === null ? undefined : launched.processes.get('main')?.ends.get(main.serialFd);
  if (!mainProcess || !serial)
    throw new Error('the doctor plan has no main QEMU with a serial console');
  return {
    main: mainProcess,
    processes,
    spares: launched.spares,
    console: new GuestConsole(serial),
    mainQmpFd: main.qmpFd,
    options,
    opened,
  };
}

/** Greets and negotiates the main QEMU's QMP within `timeoutMs`. */
export async function connectSession(session: Session, timeoutMs: number): Promise<void> {
  const end = session.main.proc.ends.get(session.mainQmpFd);
  if (!end) throw new Error('the main QEMU has no QMP monitor end');
  session.qmp = await openQmp(end, timeoutMs);
}

/** Starts a new remote for a hot-plug on the next spare; returns it and the main QEMU's fd. */
export function plugRemote(
  session: Session,
  name: string,
  remote: PlannedProcess,
): { process: DoctorProcess; fd: number } {
  const spare = session.spares.shift();
  if (!spare) throw new Error('no spare channel is left');
  const process = watched(name, launchOnSpare(remote, spare, session.options));
  session.processes.push(process);
  return { process, fd: spare.fd };
}

/** Closes QMP, the console, every end we hold; SIGKILLs and reaps the processes. */
export async function endSession(session: Session): Promise<string[]> {
  session.qmp?.close();
  session.console.close();
  for (const s of session.spares) s.end.destroy();
  for (const p of session.processes) for (const end of p.proc.ends.values()) end.destroy();
  for (const fd of session.opened.values()) closeSync(fd);
  session.opened.clear();
  return killAll(session.processes);
}

/** The last lines of each process's stderr, prefixed with its name, for the evidence. */
export function stderrEvidence(session: Session, lines = 3): string[] {
  return session.processes.flatMap((p) =>
    p
      .stderr()
      .trimEnd()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(-lines)
      .map((l) => `${p.name} stderr: ${l}`),
  );
}
