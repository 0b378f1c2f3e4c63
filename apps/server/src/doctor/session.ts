/**
 * One VM of a doctor check: the remote process with the model under test, the main QEMU with
 * spare socketpair ends for later hot-plugs (docs/qemu-facts.md, "Live changes to a running VM":
 * an fd the main QEMU inherited at launch is usable as `"fd":"<n>"` in device_add, once), the QMP
 * monitor with its events, and the guest's serial console.
 */
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { PlannedProcess } from '@mpqemu/shared';
import { connectUnix, nudgingWhile, openQmp, type QmpClient } from '../qmp/client.ts';
import { GuestConsole } from './guest-console.ts';
import { spareEnd, startProcess, type DoctorProcess } from './processes.ts';
import { watchQmpEvents, type QmpEvents } from './qmp-events.ts';

/** The main QEMU's fds 4, 5, 6: a hot-plug, then the two plugs of a restart. */
const SPARE_FDS = [4, 5, 6] as const;

export interface Session {
  main: DoctorProcess;
  processes: DoctorProcess[];
  spares: Map<number, Socket>;
  console?: GuestConsole;
  qmp?: QmpClient;
  events?: QmpEvents;
  sockets: Socket[];
}

/**
 * Starts the remote, then the main QEMU in the same tick (the server's end of the channel must
 * not read a byte), then drops the server's copy of the channel so each side sees EOF.
 */
export function startSession(
  remote: PlannedProcess,
  main: PlannedProcess,
  extraMainArgs: readonly string[],
  setpriv: string,
): Session {
  if (Object.keys(main.fds).join() !== '3') throw new Error('doctor expects one channel at fd 3');
  const first = startProcess(`remote ${remote.name}`, remote.argv, setpriv, ['pipe']);
  const channel = first.child.stdio[3] as Readable;
  const mainProcess = startProcess(`main QEMU`, [...main.argv, ...extraMainArgs], setpriv, [
    channel,
    ...SPARE_FDS.map(() => 'pipe' as const),
  ]);
  channel.destroy();
  const spares = new Map(SPARE_FDS.map((fd) => [fd, spareEnd(mainProcess, fd)]));
  return { main: mainProcess, processes: [first, mainProcess], spares, sockets: [] };
}

/** Connects the console and QMP (with its event listener) within `timeoutMs`. */
export async function connectSession(
  session: Session,
  main: PlannedProcess,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  if (main.serialSocket === null) throw new Error('the doctor plan has no serial console');
  const serial = await connectUnix(main.serialSocket, deadline, signal);
  session.sockets.push(serial);
  session.console = new GuestConsole(serial);
  const qmpSocket = await connectUnix(main.qmpSocket, deadline, signal);
  session.sockets.push(qmpSocket);
  session.events = watchQmpEvents(qmpSocket);
  session.qmp = await nudgingWhile(
    main.qmpSocket,
    openQmp(qmpSocket, Math.max(1, deadline - Date.now())),
  );
}

/** Starts a new remote for a hot-plug on spare `fd`; the server's copy is closed at once. */
export function plugRemote(
  session: Session,
  name: string,
  argv: readonly string[],
  fd: number,
  setpriv: string,
): DoctorProcess {
  const end = session.spares.get(fd);
  if (!end) throw new Error(`spare fd ${fd} is used up`);
  session.spares.delete(fd);
  const remote = startProcess(name, argv, setpriv, [end]);
  end.destroy();
  session.processes.push(remote);
  return remote;
}

/** Closes every socket and the spare ends (the processes are killed by killAll). */
export function closeSession(session: Session): void {
  session.qmp?.close();
  for (const s of session.sockets) s.destroy();
  for (const s of session.spares.values()) s.destroy();
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
