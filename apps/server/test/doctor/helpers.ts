import { readdir, readFile } from 'node:fs/promises';

/**
 * Pids of live QEMUs whose command line mentions a doctor run directory under `root` (the TMPDIR
 * the test gave doctor): their sockets live there, so any left after a check is a leak.
 */
export async function doctorProcesses(root: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(`${root}/mpqemu-doctor-`) && cmdline.includes('qemu-system'))
        pids.push(Number(entry));
    } catch {
      // Gone while we looked: not a leak.
    }
  }
  return pids;
}
