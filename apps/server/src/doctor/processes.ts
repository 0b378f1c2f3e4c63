/**
 * The QEMU processes of one doctor check: started by the runtime like every run (its spawner, the
 * pdeathsig wrapper, argv only, channel fds passed as descriptors) and all SIGKILLed and reaped at
 * the end, whatever happened.
 */
import type { QemuProcess } from '../runtime/qemu-process.ts';

/** QEMU's own words for the evidence: the tail of stderr, bounded. */
const STDERR_KEEP = 8 * 1024;

export interface DoctorProcess {
  name: string;
  proc: QemuProcess;
  stderr: () => string;
}

/** Keeps the tail of `proc`'s stderr for the evidence; stdout is drained and dropped. */
export function watched(name: string, proc: QemuProcess): DoctorProcess {
  let text = '';
  proc.stdout?.resume();
  proc.stderr?.setEncoding('utf8');
  proc.stderr?.on('data', (chunk: string) => {
    text = (text + chunk).slice(-STDERR_KEEP);
  });
  return { name, proc, stderr: () => text };
}

/**
 * SIGKILLs every process still running and waits (bounded) until each is reaped. Returns the ones
 * that are somehow still there, which doctor reports: "leaving nothing behind" is checked, not assumed.
 */
export async function killAll(
  processes: readonly DoctorProcess[],
  timeoutMs = 10_000,
): Promise<string[]> {
  for (const p of processes) p.proc.kill('SIGKILL');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(processes.map((p) => p.proc.exited)),
    new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
  ]);
  clearTimeout(timer);
  return processes.filter((p) => p.proc.alive).map((p) => `${p.name} (pid ${String(p.proc.pid)})`);
}
