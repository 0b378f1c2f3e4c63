/**
 * What /proc says about other processes: their argv and whether they still execute. One reader
 * for the launcher's stats, the stale-run cleanup, the data-dir lock and the tests.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** The fields of /proc/<pid>/stat after the command name, starting with the state. */
export function statFields(stat: string): string[] {
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** A zombie (or a dying task) has no memory and no future: it counts as gone. */
export function isGoneState(state: string | undefined): boolean {
  return state === 'Z' || state === 'X';
}

/** Still executing: neither gone nor a zombie waiting for its parent (or init) to reap it. */
export function isRunning(pid: number): boolean {
  try {
    return !isGoneState(statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'))[0]);
  } catch {
    return false;
  }
}

/** Stopped by a signal (SIGSTOP) or a tracer: it runs no handler, SIGTERM included, until resumed. */
export function isStopped(pid: number): boolean {
  try {
    const state = statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'))[0];
    return state === 'T' || state === 't';
  } catch {
    return false;
  }
}

/** The argv of `pid`, or null when it is gone or a zombie (whose cmdline is empty). */
export function cmdline(pid: number): string[] | null {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw === '' ? null : raw.replace(/\0$/, '').split('\0');
  } catch {
    return null;
  }
}

/** The working directory of `pid`, or null when it is gone or not ours to read. */
function cwdOf(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return null;
  }
}

/**
 * Every other process whose argv (and working directory: a run's QEMUs run in the run directory,
 * which their argv no longer names, every file and socket being a descriptor) satisfies `match`.
 */
export function findProcesses(
  match: (argv: readonly string[], cwd: string | null) => boolean,
): { pid: number; argv: string[] }[] {
  const found: { pid: number; argv: string[] }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const argv = cmdline(pid);
    if (argv && match(argv, match.length > 1 ? cwdOf(pid) : null)) found.push({ pid, argv });
  }
  return found;
}
