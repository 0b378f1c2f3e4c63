/**
 * Live changes of a running VM, measured on QEMU 7.2 (docs/live.md): a proxy can be unplugged
 * (also when its process is dead) and a new remote process plugged in its place, or into a free
 * slot, while the guest keeps running. The main QEMU is never restarted here; its pid never
 * changes. A step that fails leaves the run degraded with the step's reason, never half-started
 * processes: each new process is registered before anything waits, so a stop always sees it.
 */
import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DEFAULT_RESTART_POLICY,
  RESERVED_SLOTS,
  decideRestart,
  pciAddr,
  withDeviceFrom,
  withoutDevice,
  type LiveDiff,
  type PlannedProcess,
  type RestartPolicy,
  type RunInfo,
  type RunStep,
  type Topology,
} from '@mpqemu/shared';
import { connectQmp, QmpError, type QmpClient } from '../qmp/client.ts';
import type { ProcessHandle } from './process-handle.ts';
import type { RunSettings, RunSpec } from './run-record.ts';
import { exitedWithin, terminate } from './terminate.ts';
import { LiveFailed, LiveRefused, UnknownRun } from './types.ts';

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

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class LiveOps {
  /** Processes with a restart or unplug under way: one change per process at a time. */
  private readonly busy = new Set<string>();
  /** Times of the restarts made by the policy, per process. */
  private readonly history = new Map<string, number[]>();
  /** Document changes are applied one after the other. */
  private applying: Promise<unknown> = Promise.resolve();

  constructor(private readonly run: LiveHost) {}

  /** The policy decides about a remote process that died while the VM ran (already degraded). */
  onRemoteDied(h: ProcessHandle): void {
    if (this.busy.has(h.name)) return;
    const past = this.history.get(h.name) ?? [];
    let decision = decideRestart(this.policyOf(h.name), past, Date.now());
    if (decision.restart && this.run.sparesLeft() === 0) {
      decision = {
        restart: false,
        reason: 'no spare channel is left (restart the VM for new ones)',
      };
    }
    if (!decision.restart) {
      this.run.info.reason = `${this.run.info.reason ?? h.name}; not restarted: ${decision.reason}`;
      this.run.step(`${h.name} is not restarted: ${decision.reason}`, 'failed', h.name);
      return;
    }
    this.history.set(h.name, [...past, Date.now()]);
    this.busy.add(h.name);
    const { delayMs } = decision;
    this.run.step(`${h.name}: restarting in ${delayMs} ms (restart policy)`, 'done', h.name);
    void (async () => {
      try {
        await sleep(delayMs, undefined, { signal: this.run.stopping });
        if (this.run.handles.get(h.name) !== h) return;
        await this.replace(h);
      } catch {
        // Recorded in the run's steps and state by replace(); a stop ends the wait.
      } finally {
        this.busy.delete(h.name);
      }
    })();
  }

  /** runs.restartProcess: replaces remote process `name`, dead or alive. */
  async restart(name: string): Promise<void> {
    const old = this.run.handles.get(name);
    if (!old) throw new UnknownRun(this.run.spec.id, name);
    if (old.plan.role === 'main') {
      throw new LiveRefused(
        'the main QEMU is the VM itself and is never restarted alone; stop the run and start it again',
      );
    }
    this.checkLive('restart a device process');
    if (this.busy.has(name)) throw new LiveRefused(`${name} is already being restarted`);
    if (this.run.sparesLeft() === 0) throw new LiveRefused(this.noSpares());
    this.busy.add(name);
    try {
      await this.replace(old);
    } finally {
      this.busy.delete(name);
    }
  }

  /**
   * runs.applyLive, after the manager validated `edited`, found `diff` all live and planned the
   * remote process of each added device (`planned`, by device id).
   */
  apply(diff: LiveDiff, edited: Topology, planned: Map<string, PlannedProcess>): Promise<void> {
    const next = this.applying.then(() => this.applyNow(diff, edited, planned));
    this.applying = next.catch(() => undefined);
    return next;
  }

  private async applyNow(
    diff: LiveDiff,
    edited: Topology,
    planned: Map<string, PlannedProcess>,
  ): Promise<void> {
    this.checkLive('change it live');
    if (diff.sparesNeeded > this.run.sparesLeft()) throw new LiveRefused(this.noSpares());
    for (const change of diff.live) {
      if (change.kind === 'remove-device' || change.kind === 'replace-device') {
        await this.unplugDevice(change.device);
        this.run.info.topology = withoutDevice(this.run.info.topology, change.device);
        this.run.changed();
      }
      if (change.kind === 'add-device' || change.kind === 'replace-device') {
        const plan = planned.get(change.device);
        if (!plan) throw new LiveFailed(`no plan for ${change.device}`);
        const wanted = edited.devices.find((d) => d.id === change.device)?.slot;
        const handle = await this.plug(plan, this.slotFor(wanted), 0);
        this.run.info.topology = withDeviceFrom(this.run.info.topology, edited, change.device);
        handle.info.status = 'running';
        this.run.changed();
      }
    }
    this.run.info.topology = edited;
    this.run.changed();
  }

  private checkLive(what: string): void {
    const { status } = this.run.info;
    if (status !== 'running' && status !== 'degraded') {
      throw new LiveRefused(
        `run ${this.run.spec.id} is ${status}; you can ${what} only while the VM runs`,
      );
    }
    if (this.run.info.spares.total === 0) {
      const why =
        this.run.spec.topology.vm.machine === 'q35'
          ? "q35's root bus takes no hot-plug"
          : 'it has no remote process, or vm.spareChannels is 0';
      throw new LiveRefused(
        `this VM was started without spare channels (${why}); restart the VM to ${what}`,
      );
    }
  }

  private noSpares(): string {
    return `no spare channel left: the main QEMU was started with ${this.run.info.spares.total}, all used by restarts and hot-plugs; restart the VM to get new ones`;
  }

  private policyOf(name: string): RestartPolicy {
    return (
      this.run.info.topology.processes.find((p) => p.id === name)?.restart ?? DEFAULT_RESTART_POLICY
    );
  }

  private mainQmp(): QmpClient {
    const main = this.run.handles.get('main');
    if (!main?.alive || !main.qmp) throw new LiveRefused('the main QEMU is not running');
    return main.qmp;
  }

  /** Unplug, stop, start again on a spare, plug at the same slot. */
  private async replace(old: ProcessHandle): Promise<void> {
    const { run } = this;
    const device = old.plan.devices[0] ?? '';
    const slot = old.info.pciSlot;
    old.retired = true;
    old.info.status = 'restarting';
    run.changed();
    try {
      if (slot === null) throw new LiveFailed(`${device} has no known PCI slot`);
      await this.unplug(old.name, device);
      await this.stopOld(old);
      const handle = await this.plug(old.plan, slot, old.info.restarts + 1);
      handle.info.status = 'running';
      run.step(
        `${old.name} restarted (pid ${handle.info.pid ?? '?'}, restart ${handle.info.restarts}); ${device} is back in the guest`,
        'done',
        old.name,
      );
      run.recovered();
    } catch (e) {
      if (run.stopping.aborted) {
        throw new LiveFailed(`the run was stopped while ${old.name} was being restarted`);
      }
      this.fail(old.name, e);
      throw e;
    }
  }

  private fail(name: string, e: unknown): void {
    const { run } = this;
    if (run.stopping.aborted) return;
    const h = run.handles.get(name);
    if (h) {
      h.info.status = 'failed';
      h.info.error = message(e);
    }
    if (run.info.status === 'running') run.info.status = 'degraded';
    run.info.culprit = name;
    run.info.reason = `restart of ${name} failed: ${message(e)}`;
    run.info.culpritLog = h?.log.tailLines(run.settings.culpritLines) ?? [];
    run.changed();
  }

  /** device_del, then a bounded wait for the guest to release the device (DEVICE_DELETED). */
  private async unplug(process: string, device: string): Promise<void> {
    const { run } = this;
    const qmp = this.mainQmp();
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

  private async stopOld(old: ProcessHandle): Promise<void> {
    if (!old.alive) return;
    if (await exitedWithin([old], SELF_EXIT_MS)) return;
    await terminate([old], 0, this.run.settings.killGraceMs);
  }

  /** Unplugs a device for good: its process exits by itself (code 0) and is forgotten. */
  private async unplugDevice(device: string): Promise<void> {
    const { run } = this;
    const h = [...run.handles.values()].find(
      (p) => p.plan.role === 'remote' && p.plan.devices.includes(device),
    );
    if (!h) {
      // Its process never ran (an empty one) or was already forgotten: nothing is plugged.
      return;
    }
    if (this.busy.has(h.name)) throw new LiveRefused(`${h.name} is being restarted; try again`);
    this.busy.add(h.name);
    try {
      h.retired = true;
      await this.unplug(h.name, device);
      await this.stopOld(h);
      run.step(`${h.name} ${h.describeExit()} after ${device} was unplugged`, 'done', h.name);
      run.handles.delete(h.name);
      run.recovered();
    } catch (e) {
      this.fail(h.name, e);
      throw e;
    } finally {
      this.busy.delete(h.name);
    }
  }

  /** The explicit slot when free, or the lowest slot neither the chipset nor a device holds. */
  private slotFor(wanted: number | undefined): number {
    const taken = new Set<number>(RESERVED_SLOTS[this.run.spec.topology.vm.machine]);
    const main = this.run.handles.get('main');
    for (const id of main?.plan.devices ?? []) {
      const slot = this.run.spec.plan.pciSlots[id];
      if (slot !== undefined) taken.add(slot);
    }
    for (const h of this.run.handles.values())
      if (h.info.pciSlot !== null) taken.add(h.info.pciSlot);
    if (wanted !== undefined) {
      if (taken.has(wanted)) throw new LiveRefused(`PCI slot ${wanted} is taken in the running VM`);
      return wanted;
    }
    for (let slot = 0; slot < 32; slot++) if (!taken.has(slot)) return slot;
    throw new LiveRefused('no free PCI slot is left on bus 0 of the running VM');
  }

  /** A new remote process on a spare channel, answering, and its proxy plugged at `slot`. */
  private async plug(plan: PlannedProcess, slot: number, restarts: number): Promise<ProcessHandle> {
    const { run } = this;
    const device = plan.devices[0] ?? '';
    const qmp = this.mainQmp();
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
      await this.answering(handle);
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

  private async answering(h: ProcessHandle): Promise<void> {
    const exited = new AbortController();
    void h.exited.then(() => exited.abort());
    try {
      const signal = AbortSignal.any([this.run.stopping, exited.signal]);
      h.qmp = await connectQmp(h.plan.qmpSocket, this.run.settings.readyTimeoutMs, signal);
      if (h.exit) h.qmp.close();
      await h.qmp.execute('query-pci', undefined, this.run.settings.readyTimeoutMs);
    } catch (e) {
      if (h.exit) throw new Error(h.describeExit(), { cause: e });
      throw e;
    } finally {
      exited.abort();
    }
  }
}
