/**
 * The QEMU processes of one doctor check: started like every run (setpriv's pdeathsig, argv only,
 * channel fds passed as stdio entries) and all SIGKILLed and reaped at the end, whatever happened.
 */
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { execa } from 'execa';

type StdioEntry = 'ignore' | 'pipe' | Readable;

function launch(argv: readonly string[], setpriv: string, extra: StdioEntry[]) {
  return execa(setpriv, ['--pdeathsig', 'SIGKILL', '--', ...argv], {
    stdio: ['ignore', 'ignore', 'pipe', ...extra] as ['ignore', 'ignore', 'pipe', ...StdioEntry[]],
    buffer: false,
    reject: false,
    cleanup: true,
    forceKillAfterDelay: false,
    env: { LC_ALL: 'C' },
    extendEnv: true,
  });
}

/** QEMU's own words for the evidence: the tail of stderr, bounded. */
const STDERR_KEEP = 8 * 1024;

export interface DoctorProcess {
  name: string;
  child: ReturnType<typeof launch>;
  pid: number | undefined;
  stderr: () => string;
  exited: Promise<number | null>;
  isRunning: () => boolean;
}

/**
 * Starts `argv` under setpriv. `stdio[3..]` are the channel ends; a single Readable value makes
 * execa hand its fd to the child instead of piping through the server.
 */
export function startProcess(
  name: string,
  argv: readonly string[],
  setpriv: string,
  extra: StdioEntry[],
): DoctorProcess {
  const child = launch(argv, setpriv, extra);
  let text = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    text = (text + chunk).slice(-STDERR_KEEP);
  });
  let running = true;
  const exited = child.then(
    (r) => {
      running = false;
      return r.exitCode ?? null;
    },
    () => {
      running = false;
      return null;
    },
  );
  return { name, child, pid: child.pid, stderr: () => text, exited, isRunning: () => running };
}

/** The server's end of a spare socketpair: paused at once so it never reads protocol bytes. */
export function spareEnd(main: DoctorProcess, fd: number): Socket {
  const end = main.child.stdio[fd] as Socket | undefined;
  if (!end) throw new Error(`main QEMU has no stdio entry ${fd}`);
  end.pause();
  // The main QEMU dying resets its end; unheard, that error would crash the server.
  end.on('error', () => undefined);
  return end;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGKILLs every process still running and waits (bounded) until each is reaped. Returns the ones
 * that are somehow still there, which doctor reports: "leaving nothing behind" is checked, not assumed.
 */
export async function killAll(
  processes: readonly DoctorProcess[],
  timeoutMs = 10_000,
): Promise<string[]> {
  for (const p of processes) if (p.isRunning()) p.child.kill('SIGKILL');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(processes.map((p) => p.exited)),
    new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
  ]);
  clearTimeout(timer);
  return processes
    .filter((p) => p.pid !== undefined && alive(p.pid))
    .map((p) => `${p.name} (pid ${String(p.pid)})`);
}
