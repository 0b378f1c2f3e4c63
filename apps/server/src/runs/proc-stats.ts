/** CPU time and resident memory of a process, read from /proc (no dependency, no child process). */
import { readFile } from 'node:fs/promises';
import { isGoneState, statFields } from './proc.ts';

/** USER_HZ: the unit of /proc/<pid>/stat times; 100 on every Linux ABI Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcReading {
  /** CPU seconds used so far (user + system). */
  cpuSeconds: number;
  rssBytes: number;
}

/** Null when the process is gone. */
export async function readProc(pid: number): Promise<ProcReading | null> {
  try {
    const [stat, status] = await Promise.all([
      readFile(`/proc/${pid}/stat`, 'utf8'),
      readFile(`/proc/${pid}/status`, 'utf8'),
    ]);
    const fields = statFields(stat);
    if (isGoneState(fields[0])) return null;
    // Fields 14 and 15 (utime, stime) are at 11 and 12 once the first two are cut off.
    const ticks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
    const rssKiB = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0);
    return { cpuSeconds: ticks / CLOCK_TICKS_PER_SECOND, rssBytes: rssKiB * 1024 };
  } catch {
    return null;
  }
}
