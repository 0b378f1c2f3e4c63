/**
 * The steps of a live change, measured on QEMU 7.2 (docs/live.md): unplug a proxy and wait for the
 * guest to release it, stop what is left of its process, start a remote process on a spare
 * channel and plug its proxy in. Each step is reported; a failure throws LiveFailed. Used by the
 * server's runs and by the exported launcher.
 */
import type { PlannedProcess } from '@mpqemu/shared';
import { LiveFailed, LiveRefused, messageOf } from './errors.ts';
import { openQmp, QmpError, readinessQuery, type QmpClient } from './qmp.ts';
import type { QemuProcess } from './qemu-process.ts';
import { exitedWithin, terminate } from './terminate.ts';

/** device_del and device_add answer at once; only the guest's release takes time. */
const QMP_TIMEOUT_MS = 5_000;
/** A live remote exits by itself once its proxy is gone (measured: at once, code 0). */
const SELF_EXIT_MS = 3_000;

/** A process of a running VM as the live steps see it. */
export interface Member {
  readonly name: string;
  readonly plan: PlannedProcess;
  readonly proc: QemuProcess;
  qmp: QmpClient | null;
  /** Being replaced or unplugged on purpose: its end is a step of that change, not a fault. */
  retired: boolean;
  /** Set by the liveness watch when the process stopped answering: how long it was silent. */
  hungMs?: number;
}

/** One reported step of a change; exactly one of done/failed is called. */
export interface Step {
  done(text?: string): void;
  failed(text?: string): void;
}

interface LiveTimeouts {
  /** device_del to DEVICE_DELETED. */
  unplugMs: number;
  /** Spawn to QMP answering. */
  readyMs: number;
  /** SIGTERM to SIGKILL. */
  killGraceMs: number;
}

/** What the live steps need of a running VM (the server's Run, the launcher). */
export interface LiveTarget<M extends Member = Member> {
  /** Aborted once the VM stops: every wait ends. */
  readonly stopping: AbortSignal;
  readonly timeouts: LiveTimeouts;
  /** The proxy's channel property (`fd`). */
  readonly proxyChannel: string;
  /** The main QEMU's QMP; throws LiveRefused when it is not running. */
  mainQmp(): QmpClient;
  /** Starts `plan` on the next spare channel and registers it before anything waits. */
  spawnOnSpare(plan: PlannedProcess): { member: M; fd: number };
  step(text: string, process: string): Step;
  /** After a plug: the main QEMU's log may flush what it held back about the proxy. */
  plugged?(): void;
}

/** `0x6`: the form QEMU's `addr` property takes. */
function pciAddr(slot: number): string {
  return `0x${slot.toString(16)}`;
}

/** The arguments of the `device_add` that plugs a proxy on spare `fd` at `slot` (bus 0). */
export function proxyDeviceArgs(
  proxyChannel: string,
  device: string,
  fd: number,
  where: { slot: number } | { bus: string },
): Record<string, unknown> {
  const at = 'slot' in where ? { addr: pciAddr(where.slot) } : { bus: where.bus };
  return { driver: 'x-pci-proxy-dev', id: device, [proxyChannel]: String(fd), ...at };
}

/**
 * device_del, then a bounded wait for the guest to release the device (DEVICE_DELETED). Resolves
 * false when the guest did not release it in time; throws LiveFailed when device_del failed.
 */
export async function unplugProxy(
  qmp: QmpClient,
  device: string,
  ms: number,
  signal: AbortSignal,
): Promise<'deleted' | 'absent' | 'not-released'> {
  const done = new AbortController();
  // Listening before device_del: the event can come before its reply.
  const deleted = qmp.nextEvent(
    'DEVICE_DELETED',
    (d) => d.device === device,
    ms,
    AbortSignal.any([done.signal, signal]),
  );
  try {
    await qmp.execute('device_del', { id: device }, QMP_TIMEOUT_MS);
  } catch (e) {
    done.abort();
    if (e instanceof QmpError && e.errorClass === 'DeviceNotFound') return 'absent';
    throw new LiveFailed(`device_del ${device} failed: ${messageOf(e)}`);
  }
  const event = await deleted;
  done.abort();
  return event ? 'deleted' : 'not-released';
}

/** Unplugs `device` of process `process` as a reported step; throws LiveFailed. */
export async function unplug(target: LiveTarget, process: string, device: string): Promise<void> {
  const qmp = target.mainQmp();
  const step = target.step(`${process}: unplugging ${device} (device_del)`, process);
  const ms = target.timeouts.unplugMs;
  let outcome;
  try {
    outcome = await unplugProxy(qmp, device, ms, target.stopping);
  } catch (e) {
    step.failed();
    throw e;
  }
  if (outcome === 'absent') {
    step.done(`${process}: ${device} was already unplugged`);
    return;
  }
  if (outcome === 'not-released') {
    step.failed();
    target.stopping.throwIfAborted();
    throw new LiveFailed(
      `the guest did not release ${device} within ${ms / 1000} s after device_del (a guest driver may still be using it); reset the guest (QMP system_reset completes the pending unplug) or stop the VM`,
    );
  }
  step.done(`${process}: ${device} unplugged`);
}

/** Stops what is left of a process whose proxy is gone: it normally exits by itself. */
export async function stopOld(target: LiveTarget, old: Member): Promise<void> {
  if (!old.proc.alive) return;
  if (await exitedWithin([old.proc], SELF_EXIT_MS)) return;
  await terminate([old.proc], 0, target.timeouts.killGraceMs);
}

/**
 * Connects to a process's monitor (our end of its `qmpFd`) and waits until it answers its
 * readiness query within `ms`; ends early when `signal` aborts or the process exits.
 */
export async function waitAnswering(
  member: Member,
  ms: number,
  signal: AbortSignal,
): Promise<QmpClient> {
  const end = member.proc.ends.get(member.plan.qmpFd);
  if (!end) throw new Error(`${member.name} has no QMP monitor end`);
  const deadline = Date.now() + ms;
  let waiting = true;
  // Closing our end makes the pending handshake fail at once; only while it is pending.
  const giveUp = (): void => {
    if (waiting) end.destroy();
  };
  signal.addEventListener('abort', giveUp, { once: true });
  void member.proc.exited.then(giveUp);
  try {
    const qmp = await openQmp(end, ms);
    member.qmp = qmp;
    const query = readinessQuery(member.plan.role);
    await qmp.execute(query, undefined, Math.max(1, deadline - Date.now()));
    return qmp;
  } catch (e) {
    if (member.proc.exit) throw new Error(member.proc.describeExit(), { cause: e });
    signal.throwIfAborted();
    throw e;
  } finally {
    waiting = false;
    signal.removeEventListener('abort', giveUp);
  }
}

/** A new remote process on a spare channel, answering, and its proxy plugged at `slot`. */
export async function plug<M extends Member>(
  target: LiveTarget<M>,
  plan: PlannedProcess,
  slot: number,
): Promise<M> {
  const device = plan.devices[0] ?? '';
  const qmp = target.mainQmp();
  const { member, fd } = target.spawnOnSpare(plan);
  const starting = target.step(
    `${plan.name}: started (pid ${member.proc.pid ?? '?'}) on spare channel fd ${fd}; waiting for QMP (query-pci)`,
    plan.name,
  );
  try {
    await waitAnswering(member, target.timeouts.readyMs, target.stopping);
  } catch (e) {
    starting.failed();
    member.retired = true;
    await terminate([member.proc], 0, target.timeouts.killGraceMs);
    target.stopping.throwIfAborted();
    throw new LiveFailed(`${plan.name} did not become ready: ${messageOf(e)}`);
  }
  starting.done(`${plan.name} answers (pid ${member.proc.pid ?? '?'})`);
  const adding = target.step(
    `${plan.name}: plugging ${device} in at slot ${pciAddr(slot)} (device_add)`,
    plan.name,
  );
  try {
    await qmp.execute(
      'device_add',
      proxyDeviceArgs(target.proxyChannel, device, fd, { slot }),
      QMP_TIMEOUT_MS,
    );
  } catch (e) {
    adding.failed();
    member.retired = true;
    await terminate([member.proc], 0, target.timeouts.killGraceMs);
    throw new LiveFailed(`device_add ${device} failed: ${messageOf(e)}`);
  }
  target.plugged?.();
  adding.done(`${plan.name}: ${device} plugged in at slot ${pciAddr(slot)}`);
  return member;
}

/**
 * Replaces device process `old` without touching the guest's other devices: unplug its proxy,
 * stop what is left of it, start it again on a spare channel, plug the proxy at the same slot.
 */
export async function replace<M extends Member>(
  target: LiveTarget<M>,
  old: Member,
  slot: number | null,
): Promise<M> {
  const device = old.plan.devices[0] ?? '';
  old.retired = true;
  if (slot === null) throw new LiveFailed(`${device} has no known PCI slot`);
  await unplug(target, old.name, device);
  await stopOld(target, old);
  return plug(target, old.plan, slot);
}

/** Refuses a live change when the main QEMU is not there to take it. */
export function requireMainQmp(qmp: QmpClient | null | undefined, alive: boolean): QmpClient {
  if (!alive || !qmp || qmp.closed) throw new LiveRefused('the main QEMU is not running');
  return qmp;
}
