/**
 * Allow-listed QMP operations on a running process. The run's own QMP connection (opened for
 * readiness and kept for stop) carries them; QMP matches replies by id, so they can overlap.
 */
import { qmpBlockedReason, QmpOperationSchema, type QmpOperation } from '@mpqemu/shared';
import { QmpError } from '../runtime/qmp.ts';
import type { Run } from './run.ts';
import { QmpRefused, UnknownRun } from './types.ts';

/** A query answers in milliseconds; a VM that does not answer in this time is stuck. */
const QMP_OP_TIMEOUT_MS = 5_000;

/** Sends `op` to `process` of `run`; resolves with QMP's `return` value. */
export async function runQmpOperation(
  run: Run,
  process: string,
  op: QmpOperation,
  timeoutMs = QMP_OP_TIMEOUT_MS,
): Promise<unknown> {
  // The API validates too; a direct caller of the launcher must not get past the list either.
  const parsed = QmpOperationSchema.safeParse(op);
  if (!parsed.success) {
    throw new QmpRefused(`"${op.slice(0, 64)}" is not an allowed QMP operation`, 'not-allowed');
  }
  const handle = run.handles.get(process);
  if (!handle) throw new UnknownRun(run.spec.id, process);
  // The same rule that turns the UI's buttons off, so both give the same reason.
  const blocked = qmpBlockedReason(run.info.status, handle.info, parsed.data);
  if (blocked) throw new QmpRefused(blocked.message, blocked.code);
  const qmp = handle.qmp;
  if (!handle.alive || qmp === null) {
    throw new QmpRefused(`${process} is not running (${handle.describeExit()})`, 'unavailable');
  }
  try {
    return await qmp.execute(parsed.data, undefined, timeoutMs);
  } catch (e) {
    if (!(e instanceof QmpError)) throw e;
    throw new QmpRefused(`${process} did not complete ${op}: ${e.message}`, 'unavailable');
  }
}
