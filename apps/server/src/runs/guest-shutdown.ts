/**
 * The graceful half of a stop: ask the guest to power off, give it a grace period, then make the
 * main QEMU quit. A force stop aborts `forced`, which ends every wait at once. The remote
 * processes need no step of their own: they exit when the main QEMU does.
 */
import type { RunInfo, RunStep } from '@mpqemu/shared';
import type { ProcessHandle } from './process-handle.ts';
import { exitedWithin } from '../runtime/terminate.ts';

/** What the shutdown steps may touch of a run: its steps, its power-down state, its settings. */
export interface ShutdownContext {
  step: (text: string) => RunStep;
  settle: (step: RunStep, state: RunStep['state'], text?: string) => void;
  setPowerDown: (state: NonNullable<RunInfo['powerDown']> | null) => void;
  graceMs: number;
  forced: AbortSignal;
}

const QMP_TIMEOUT_MS = 2000;
const QUIT_WAIT_MS = 2000;
/** A force stop must end within a second: QEMU gets half of it to quit by itself. */
const FORCED_QUIT_MS = 500;

/** Resolves when `signal` aborts (never, if it does not). */
function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
}

/** ACPI power button, then up to the grace period (or a force stop) for the guest to obey. */
export async function powerDown(main: ProcessHandle, ctx: ShutdownContext): Promise<void> {
  const seconds = Math.round(ctx.graceMs / 1000);
  const since = Date.now();
  ctx.setPowerDown({ since, graceMs: ctx.graceMs });
  const down = ctx.step(`Asked the guest to power off (up to ${seconds} s)`);
  const ask = main.qmp
    ?.execute('system_powerdown', undefined, QMP_TIMEOUT_MS)
    .catch(() => undefined);
  const off = await Promise.race([ask, aborted(ctx.forced)]).then(() =>
    exitedWithin([main], Math.max(0, since + ctx.graceMs - Date.now()), ctx.forced),
  );
  ctx.setPowerDown(null);
  const waited = ((Date.now() - since) / 1000).toFixed(1);
  if (off) ctx.settle(down, 'done', `The guest powered off after ${waited} s`);
  else if (ctx.forced.aborted) {
    ctx.settle(down, 'done', `Force stop: stopped waiting for the guest after ${waited} s`);
  } else ctx.settle(down, 'done', `The guest did not power off within ${seconds} s`);
}

/** QMP `quit`, then a short wait for the main QEMU to exit. */
export async function quit(main: ProcessHandle, ctx: ShutdownContext): Promise<void> {
  const forced = ctx.forced.aborted;
  const quitting = ctx.step(forced ? 'Forced: QMP quit' : 'Quitting QEMU (QMP quit)');
  const since = Date.now();
  const answerMs = forced ? FORCED_QUIT_MS : QMP_TIMEOUT_MS;
  await main.qmp?.execute('quit', undefined, answerMs).catch(() => undefined);
  const waitMs = forced ? Math.max(0, since + FORCED_QUIT_MS - Date.now()) : QUIT_WAIT_MS;
  const gone = await exitedWithin([main], waitMs);
  const waited = forced ? `${FORCED_QUIT_MS} ms` : `${QUIT_WAIT_MS / 1000} s`;
  ctx.settle(
    quitting,
    gone ? 'done' : 'failed',
    `${forced ? 'Forced: ' : ''}${gone ? 'QEMU quit' : `QEMU did not quit within ${waited}`}`,
  );
}
