/**
 * The VM's screen: the unix socket its main QEMU serves RFB on (the plan's `vnc`), and a still
 * of it. QMP `screendump` can only write a file, so the still goes through the screen's own
 * folder of the run directory (the one place QEMU may write besides its logs) and is read back,
 * converted to PNG and removed at once.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { TERMINAL_RUN_STATES } from '@mpqemu/shared';
import { QmpError } from '../runtime/qmp.ts';
import { encodePng, parsePpm } from '../screen/ppm-to-png.ts';
import type { Run } from './run.ts';
import { QmpRefused, type ScreenTarget, type Screenshot } from './types.ts';

/** A screendump of a 4 MiB framebuffer takes milliseconds; more means the VM is stuck. */
const SCREENDUMP_TIMEOUT_MS = 5_000;

/**
 * The socket of `run`'s screen while its main QEMU runs. Throws QmpRefused (`not-allowed`: the VM
 * has no display; `unavailable`: not running) with the reason.
 */
export function screenOf(run: Run): ScreenTarget {
  const main = run.spec.plan.processes.find((p) => p.role === 'main');
  if (!main?.vnc) {
    throw new QmpRefused(
      `run ${run.spec.id} has no screen: its VM has no display device in the main QEMU`,
      'not-allowed',
    );
  }
  const handle = run.handles.get(main.name);
  if (TERMINAL_RUN_STATES.includes(run.info.status) || !handle?.alive) {
    throw new QmpRefused(`run ${run.spec.id} is not running (${run.info.status})`, 'unavailable');
  }
  return { socket: main.vnc, stopping: run.stopping };
}

/** The screen as the guest shows it now, as a PNG. */
export async function screenshot(run: Run): Promise<Screenshot> {
  const { socket } = screenOf(run);
  const qmp = run.handles.get('main')?.qmp;
  if (!qmp) throw new QmpRefused(`run ${run.spec.id}: main is not answering QMP`, 'unavailable');
  const file = join(dirname(socket), `screendump-${randomBytes(6).toString('hex')}.ppm`);
  try {
    await qmp.execute('screendump', { filename: file }, SCREENDUMP_TIMEOUT_MS);
    const image = parsePpm(await readFile(file));
    return { png: encodePng(image), width: image.width, height: image.height };
  } catch (e) {
    if (!(e instanceof QmpError)) throw e;
    throw new QmpRefused(`main did not complete screendump: ${e.message}`, 'unavailable');
  } finally {
    await rm(file, { force: true });
  }
}
