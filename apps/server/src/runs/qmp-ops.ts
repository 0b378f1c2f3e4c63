/**
 * Allow-listed QMP operations on a running process. The run's own QMP connection (opened for
 * readiness and kept for stop) carries them; QMP matches replies by id, so they can overlap.
 */
import { QMP_OPERATIONS, QmpOperationSchema, type QmpOperation } from '@mpqemu/shared';
import { QmpError } from '../qmp/client.ts';
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
  const info = QMP_OPERATIONS[parsed.data];
  if (info.mainOnly && handle.plan.role !== 'main') {
    throw new QmpRefused(
      `${op} acts on the whole VM and is only available on the main QEMU; ${process} is a remote process (it emulates ${handle.plan.devices.join(', ')})`,
      'not-allowed',
    );
  }
  const status = run.info.status;
  if (status !== 'running' && status !== 'degraded') {
    throw new QmpRefused(
      `run ${run.spec.id} is ${status}; QMP operations need a running VM`,
      'unavailable',
    );
  }
  const qmp = handle.qmp;
  if (!handle.alive || handle.info.status !== 'running' || qmp === null) {
    throw new QmpRefused(
      `process ${process} is not running (${handle.describeExit()})`,
      'unavailable',
    );
  }
  try {
    return await qmp.execute(parsed.data, undefined, timeoutMs);
  } catch (e) {
    if (!(e instanceof QmpError)) throw e;
    throw new QmpRefused(`${process} did not complete ${op}: ${e.message}`, 'unavailable');
  }
}
