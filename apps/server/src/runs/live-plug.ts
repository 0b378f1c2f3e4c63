/**
 * The steps of a live change, measured on QEMU 7.2 (docs/live.md): unplug a proxy and wait for the
 * guest to release it, stop what is left of its process, start a remote process on a spare
 * channel and plug its proxy in. Each step is a run step; a failure throws LiveFailed.
 */
import { rm } from 'node:fs/promises';
import {
  pciAddr,
  type PlannedProcess,
  type RunInfo,
  type RunStep,
  type Topology,
} from '@mpqemu/shared';
import { connectQmp, QmpError, type QmpClient } from '../qmp/client.ts';
import type { ProcessHandle } from './process-handle.ts';
import type { RunSettings, RunSpec } from './run-record.ts';
import { exitedWithin, terminate } from './terminate.ts';
import { LiveFailed, LiveRefused } from './types.ts';

/** device_del and device_add answer at once; only the guest's release takes time. */
const QMP_TIMEOUT_MS = 5_000;
/** A live remote exits by itself once its proxy is gone (measured: at once, code 0). */
const SELF_EXIT_MS = 3_000;

/** What LiveOps needs of a run (implemented by Run). */
export interface LiveHost {
  readonly spec: RunSpec;
  readonly info: RunInfo;
  readonly handles: Map<string, ProcessHandle>;
  readonly settings: RunSettings;
  readonly stopping: AbortSignal;
  step(text: string, state?: RunStep['state'], process?: string): RunStep;
  settle(step: RunStep, state: RunStep['state'], text?: string): void;
  changed(): void;
  setTopology(topology: Topology): void;
  recovered(): void;
  sparesLeft(): number;
  spawnOnSpare(plan: PlannedProcess): { handle: ProcessHandle; fd: number };
}

/** True when QMP reports `device` deleted; false after `ms` or once `signal` aborts. */
function deviceDeleted(
  qmp: QmpClient,
  device: string,
  ms: number,
  signal: AbortSignal,
): Promise<boolean> {
  return new Promise((resolve) => {
    const finish = (ok: boolean): void => {
      clearTimeout(timer);
      off();
      signal.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onAbort = (): void => finish(false);
    const off = qmp.onEvent((e) => {
      if (e.event === 'DEVICE_DELETED' && e.data.device === device) finish(true);
    });
    const timer = setTimeout(() => finish(false), ms);
    if (signal.aborted) finish(false);
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function mainQmp(run: LiveHost): QmpClient {
  const main = run.handles.get('main');
  if (!main?.alive || !main.qmp) throw new LiveRefused('the main QEMU is not running');
  return main.qmp;
}

/** device_del, then a bounded wait for the guest to release the device (DEVICE_DELETED). */
export async function unplug(run: LiveHost, process: string, device: string): Promise<void> {
  const qmp = mainQmp(run);
  const step = run.step(`${process}: unplugging ${device} (device_del)`, 'active', process);
  const ms = run.settings.unplugTimeoutMs;
  const done = new AbortController();
  // Listening before device_del: the event can come before its reply.
  const deleted = deviceDeleted(qmp, device, ms, AbortSignal.any([done.signal, run.stopping]));
  try {
    await qmp.execute('device_del', { id: device }, QMP_TIMEOUT_MS);
  } catch (e) {
    if (e instanceof QmpError && e.errorClass === 'DeviceNotFound') {
      done.abort();
      run.settle(step, 'done', `${process}: ${device} was already unplugged`);
      return;
    }
    done.abort();
    run.settle(step, 'failed');
    throw new LiveFailed(`device_del ${device} failed: ${message(e)}`);
  }
  const released = await deleted;
  done.abort();
  if (!released) {
    run.settle(step, 'failed');
    run.stopping.throwIfAborted();
    throw new LiveFailed(
      `the guest did not release ${device} within ${ms / 1000} s after device_del (a guest driver may still be using it); reset the guest (QMP system_reset completes the pending unplug) or stop the VM`,
    );
  }
  run.settle(step, 'done', `${process}: ${device} unplugged`);
}

export async function stopOld(run: LiveHost, old: ProcessHandle): Promise<void> {
  if (!old.alive) return;
  if (await exitedWithin([old], SELF_EXIT_MS)) return;
  await terminate([old], 0, run.settings.killGraceMs);
}

/** A new remote process on a spare channel, answering, and its proxy plugged at `slot`. */
export async function plug(
  run: LiveHost,
  plan: PlannedProcess,
  slot: number,
  restarts: number,
): Promise<ProcessHandle> {
  const device = plan.devices[0] ?? '';
  const qmp = mainQmp(run);
  // A killed QEMU leaves its QMP socket behind; the new one must not be mistaken for it.
  await rm(plan.qmpSocket, { force: true });
  const { handle, fd } = run.spawnOnSpare(plan);
  handle.info.restarts = restarts;
  handle.info.pciSlot = slot;
  const starting = run.step(
    `${plan.name}: started (pid ${handle.info.pid ?? '?'}) on spare channel fd ${fd}; waiting for QMP (query-pci)`,
    'active',
    plan.name,
  );
  try {
    await answering(run, handle);
  } catch (e) {
    run.settle(starting, 'failed');
    handle.retired = true;
    await terminate([handle], 0, run.settings.killGraceMs);
    run.stopping.throwIfAborted();
    throw new LiveFailed(`${plan.name} did not become ready: ${message(e)}`);
  }
  run.settle(starting, 'done', `${plan.name} answers (pid ${handle.info.pid ?? '?'})`);
  const adding = run.step(
    `${plan.name}: plugging ${device} in at slot ${pciAddr(slot)} (device_add)`,
    'active',
    plan.name,
  );
  try {
    await qmp.execute(
      'device_add',
      {
        driver: 'x-pci-proxy-dev',
        id: device,
        [run.spec.capabilities.proxyChannel]: String(fd),
        addr: pciAddr(slot),
      },
      QMP_TIMEOUT_MS,
    );
  } catch (e) {
    run.settle(adding, 'failed');
    handle.retired = true;
    await terminate([handle], 0, run.settings.killGraceMs);
    throw new LiveFailed(`device_add ${device} failed: ${message(e)}`);
  }
  run.handles.get('main')?.flushFlood();
  run.settle(adding, 'done', `${plan.name}: ${device} plugged in at slot ${pciAddr(slot)}`);
  return handle;
}

async function answering(run: LiveHost, h: ProcessHandle): Promise<void> {
  const exited = new AbortController();
  void h.exited.then(() => exited.abort());
  try {
    const signal = AbortSignal.any([run.stopping, exited.signal]);
    h.qmp = await connectQmp(h.plan.qmpSocket, run.settings.readyTimeoutMs, signal);
    if (h.exit) h.qmp.close();
    await h.qmp.execute('query-pci', undefined, run.settings.readyTimeoutMs);
  } catch (e) {
    if (h.exit) throw new Error(h.describeExit(), { cause: e });
    throw e;
  } finally {
    exited.abort();
  }
}
