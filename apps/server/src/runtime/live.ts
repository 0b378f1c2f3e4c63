/**
 * The steps of a live change, measured on QEMU 7.2 (docs/live.md): unplug a proxy and wait for the
 * guest to release it, stop what is left of its process, start a remote process on a spare
 * channel and plug its proxy in. Each step is reported; a failure throws LiveFailed. Used by the
 * server's runs and by the exported launcher.
 */
import type { PlannedProcess, RestartPolicy } from '@mpqemu/shared';
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
 * How often device_del is repeated while the guest has not released the device. An unplug asked
 * before the guest's OS handles ACPI hot-plug (its first seconds: firmware, early kernel) is lost:
 * the guest clears the event as it boots. QEMU 7.2 lets the request be repeated at once
 * (pending_deleted_expires_ms), and a repeat once the OS is up completes (measured: a kill at
 * `running` is released 2-3 s later, the first device_del alone never was).
 */
const UNPLUG_RETRY_MS = 1_000;

/**
 * device_del, repeated every second, within a bounded wait for the guest to release the device
 * (DEVICE_DELETED). Resolves `not-released` when the guest did not release it in time, with the
 * number of requests sent; throws LiveFailed when device_del failed.
 */
export async function unplugProxy(
  qmp: QmpClient,
  device: string,
  ms: number,
  signal: AbortSignal,
): Promise<{ outcome: 'deleted' | 'absent' | 'not-released'; requests: number }> {
  const done = new AbortController();
  // Listening before device_del: the event can come before its reply.
  const deleted = qmp.nextEvent(
    'DEVICE_DELETED',
    (d) => d.device === device,
    ms,
    AbortSignal.any([done.signal, signal]),
  );
  let requests = 1;
  try {
    await qmp.execute('device_del', { id: device }, QMP_TIMEOUT_MS);
  } catch (e) {
    done.abort();
    if (e instanceof QmpError && e.errorClass === 'DeviceNotFound') {
      return { outcome: 'absent', requests };
    }
    throw new LiveFailed(`device_del ${device} failed: ${messageOf(e)}`);
  }
  const repeat = setInterval(() => {
    requests++;
    // "already in the process of unplug" while the first request still stands is fine; a
    // DeviceNotFound means it went, and its DEVICE_DELETED is on its way.
    qmp.execute('device_del', { id: device }, QMP_TIMEOUT_MS).catch(() => undefined);
  }, UNPLUG_RETRY_MS);
  const event = await deleted;
  clearInterval(repeat);
  done.abort();
  return { outcome: event ? 'deleted' : 'not-released', requests };
}

/** Bounds the wait for DEVICE_DELETED after a system_reset (measured: 0.05 s after RESET). */
const RESET_UNPLUG_MS = 5_000;

/**
 * Unplugs `device` of process `process` as a reported step; throws LiveFailed. When the guest
 * does not release it and `resetGuest` allows it, resets the guest (system_reset completes the
 * pending unplug; the guest reboots) and says so.
 */
export async function unplug(
  target: LiveTarget,
  process: string,
  device: string,
  resetGuest = false,
): Promise<void> {
  const qmp = target.mainQmp();
  const step = target.step(`${process}: unplugging ${device} (device_del)`, process);
  const ms = target.timeouts.unplugMs;
  let result;
  try {
    result = await unplugProxy(qmp, device, ms, target.stopping);
  } catch (e) {
    step.failed();
    throw e;
  }
  if (result.outcome === 'absent') {
    step.done(`${process}: ${device} was already unplugged`);
    return;
  }
  const held = `the guest did not release ${device} within ${ms / 1000} s (${result.requests} device_del request${result.requests === 1 ? '' : 's'})`;
  if (result.outcome === 'not-released' && !resetGuest) {
    step.failed();
    target.stopping.throwIfAborted();
    throw new LiveFailed(
      `${held}; a guest driver may still be using it, or the guest does not handle ACPI hot-plug. Its restart policy does not allow a guest reset (resetGuest): reset the guest yourself (QMP system_reset completes the pending unplug) or stop the VM`,
    );
  }
  if (result.outcome === 'not-released') {
    step.failed(`${process}: ${held}`);
    await resetForUnplug(target, qmp, process, device);
    return;
  }
  const again = result.requests === 1 ? '' : ` (after ${result.requests} device_del requests)`;
  step.done(`${process}: ${device} unplugged${again}`);
}

/** system_reset to complete a pending unplug, as a reported step; throws LiveFailed. */
async function resetForUnplug(
  target: LiveTarget,
  qmp: QmpClient,
  process: string,
  device: string,
): Promise<void> {
  target.stopping.throwIfAborted();
  const step = target.step(
    `${process}: resetting the guest (system_reset), as the restart policy allows, to complete the unplug of ${device}; the guest reboots`,
    process,
  );
  const deleted = qmp.nextEvent(
    'DEVICE_DELETED',
    (d) => d.device === device,
    RESET_UNPLUG_MS,
    target.stopping,
  );
  try {
    await qmp.execute('system_reset', undefined, QMP_TIMEOUT_MS);
  } catch (e) {
    step.failed();
    throw new LiveFailed(`system_reset failed: ${messageOf(e)}`);
  }
  if (!(await deleted)) {
    step.failed();
    target.stopping.throwIfAborted();
    throw new LiveFailed(
      `the guest was reset, and still ${device} was not unplugged within ${RESET_UNPLUG_MS / 1000} s`,
    );
  }
  step.done(`${process}: the guest was reset (it reboots); ${device} unplugged`);
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
 * Its restart `policy` (the plan's unless changed live) says whether the guest may be reset when
 * it holds the device.
 */
export async function replace<M extends Member>(
  target: LiveTarget<M>,
  old: Member,
  slot: number | null,
  policy: RestartPolicy | null = old.plan.restart,
): Promise<M> {
  const device = old.plan.devices[0] ?? '';
  old.retired = true;
  if (slot === null) throw new LiveFailed(`${device} has no known PCI slot`);
  const resetGuest = policy?.mode === 'on-failure' && policy.resetGuest === true;
  await unplug(target, old.name, device, resetGuest);
  await stopOld(target, old);
  return plug(target, old.plan, slot);
}

/** Refuses a live change when the main QEMU is not there to take it. */
export function requireMainQmp(qmp: QmpClient | null | undefined, alive: boolean): QmpClient {
  if (!alive || !qmp || qmp.closed) throw new LiveRefused('the main QEMU is not running');
  return qmp;
}
