/**
 * Live changes of a running VM: the restart policy, runs.restartProcess and runs.applyLive, built
 * from the runtime's steps (runtime/live.ts). The main QEMU is never restarted here; its pid never
 * changes. A change that fails leaves the run degraded with the failed step's reason, never a
 * half-started process: each new process is registered before anything waits, so a stop always
 * sees it.
 */
import {
  DEFAULT_RESTART_POLICY,
  RESERVED_SLOTS,
  liveChangeRefusal,
  restartRefusal,
  withDeviceFrom,
  withoutDevice,
  type LiveDiff,
  type PlannedProcess,
  type RestartPolicy,
  type RunInfo,
  type RunStep,
  type Topology,
} from '@mpqemu/shared';
import { messageOf } from '../runtime/errors.ts';
import {
  plug,
  replace,
  requireMainQmp,
  stopOld,
  unplug,
  type LiveTarget,
  type Step,
} from '../runtime/live.ts';
import { causeOf, describeDelay, RestartBook } from '../runtime/restart-policy.ts';
import type { ProcessHandle } from './process-handle.ts';
import type { RunSettings, RunSpec } from './run-record.ts';
import { LiveFailed, LiveRefused, UnknownRun } from './types.ts';

/** What LiveOps needs of a run (implemented by Run). */
export interface LiveHost {
  readonly spec: RunSpec;
  readonly info: RunInfo;
  readonly handles: Map<string, ProcessHandle>;
  readonly settings: RunSettings;
  readonly stopping: AbortSignal;
  step(text: string, state?: RunStep['state'], process?: string): RunStep;
  liveStep(text: string, process: string): Step;
  changed(): void;
  setTopology(topology: Topology): void;
  recovered(): void;
  sparesLeft(): number;
  spawnOnSpare(plan: PlannedProcess): { member: ProcessHandle; fd: number };
  /** Starts the liveness watch of a device process that runs. */
  watch(h: ProcessHandle): void;
}

export class LiveOps {
  /** Restarts made by the policy, and the processes with a change under way. */
  private readonly book = new RestartBook();
  /** Document changes are applied one after the other. */
  private applying: Promise<unknown> = Promise.resolve();
  /** The run as the runtime's live steps see it. */
  private readonly target: LiveTarget<ProcessHandle>;

  constructor(private readonly run: LiveHost) {
    this.target = {
      stopping: run.stopping,
      timeouts: {
        unplugMs: run.settings.unplugTimeoutMs,
        readyMs: run.settings.readyTimeoutMs,
        killGraceMs: run.settings.killGraceMs,
      },
      proxyChannel: run.spec.capabilities.proxyChannel,
      mainQmp: () => {
        const main = run.handles.get('main');
        return requireMainQmp(main?.qmp, main?.alive ?? false);
      },
      spawnOnSpare: (plan) => run.spawnOnSpare(plan),
      step: (text, process) => run.liveStep(text, process),
      plugged: () => run.handles.get('main')?.flushFlood(),
    };
  }

  /** The policy decides about a remote process that died while the VM ran (already degraded). */
  onRemoteDied(h: ProcessHandle): void {
    if (!h.exit) return;
    const cause = causeOf(h.exit, h.hungMs !== undefined);
    const decision = this.book.decide(h.name, cause, this.policyOf(h.name), this.run.sparesLeft());
    if (decision === null) return;
    h.info.policyRestarts = this.recentRestarts(h.name);
    if (!decision.restart) {
      h.info.notRestarted = decision.reason;
      this.run.info.reason = `${this.run.info.reason ?? h.name}; not restarted: ${decision.reason}`;
      this.run.step(`${h.name} is not restarted: ${decision.reason}`, 'failed', h.name);
      return;
    }
    const when = describeDelay(decision.delayMs);
    this.run.step(`${h.name}: restarting ${when} (restart policy)`, 'done', h.name);
    // replace() records a failure in the run's steps and state; a stop ends the wait.
    this.book.schedule(h.name, decision.delayMs, this.run.stopping, async () => {
      if (this.run.handles.get(h.name) === h) await this.replace(h, 'policy');
    });
  }

  /** runs.restartProcess: replaces remote process `name`, dead or alive. */
  async restart(name: string): Promise<void> {
    const old = this.run.handles.get(name);
    const refusal = restartRefusal(
      {
        status: this.run.info.status,
        spares: { ...this.run.info.spares, left: this.run.sparesLeft() },
      },
      old && { role: old.plan.role, status: old.info.status },
      this.book.isBusy(name),
    );
    switch (refusal?.code) {
      case undefined:
        break;
      case 'unknown-process':
        throw new UnknownRun(this.run.spec.id, name);
      case 'main-process':
        throw new LiveRefused(
          'the main QEMU is the VM itself and is never restarted alone; stop the run and start it again',
        );
      case 'restarting':
        throw new LiveRefused(`${name} is already being restarted`);
      case 'starting':
        throw new LiveRefused(`${name} is still starting; restart it once it runs`);
      case 'vm-not-live':
      case 'no-spare-channels':
        throw this.notLive(refusal, 'restart a device process');
      case 'spares-used-up':
        throw new LiveRefused(this.noSpares());
    }
    if (!old) return;
    await this.book.with(name, () => this.replace(old, 'user'));
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
        this.run.setTopology(withoutDevice(this.run.info.topology, change.device));
        this.run.changed();
      }
      if (change.kind === 'add-device' || change.kind === 'replace-device') {
        const plan = planned.get(change.device);
        if (!plan) throw new LiveFailed(`no plan for ${change.device}`);
        const wanted = edited.devices.find((d) => d.id === change.device)?.slot;
        const slot = this.slotFor(wanted);
        const handle = await plug(this.target, plan, slot);
        await handle.observe();
        handle.info.pciSlot = slot;
        this.run.setTopology(withDeviceFrom(this.run.info.topology, edited, change.device));
        handle.info.status = 'running';
        this.run.watch(handle);
        this.run.changed();
      }
    }
    this.run.setTopology(edited);
    this.run.changed();
  }

  private checkLive(what: string): void {
    const refusal = liveChangeRefusal(this.run.info);
    if (refusal) throw this.notLive(refusal, what);
  }

  /** A live change refused (liveChangeRefusal), in the server's words. */
  private notLive(
    refusal: NonNullable<ReturnType<typeof liveChangeRefusal>>,
    what: string,
  ): LiveRefused {
    if (refusal.code === 'vm-not-live') {
      return new LiveRefused(
        `run ${this.run.spec.id} is ${refusal.status}; you can ${what} only while the VM runs`,
      );
    }
    const why =
      this.run.spec.topology.vm.machine === 'q35'
        ? "q35's root bus takes no hot-plug"
        : 'it has no remote process, or vm.spareChannels is 0';
    return new LiveRefused(
      `this VM was started without spare channels (${why}); restart the VM to ${what}`,
    );
  }

  private noSpares(): string {
    return `no spare channel left: the main QEMU was started with ${this.run.info.spares.total}, all used by restarts and hot-plugs; restart the VM to get new ones`;
  }

  private policyOf(name: string): RestartPolicy {
    return (
      this.run.info.topology.processes.find((p) => p.id === name)?.restart ?? DEFAULT_RESTART_POLICY
    );
  }

  /** The times of the restarts `name`'s policy made that still count in its window. */
  private recentRestarts(name: string): number[] {
    const policy = this.policyOf(name);
    if (policy.mode === 'never') return [];
    const now = Date.now();
    return this.book.history(name).filter((t) => now - t < policy.windowSeconds * 1000);
  }

  /** Unplug, stop, start again on a spare, plug at the same slot; `by` is who it is for. */
  private async replace(old: ProcessHandle, by: 'policy' | 'user'): Promise<void> {
    const { run } = this;
    const device = old.plan.devices[0] ?? '';
    old.info.status = 'restarting';
    old.info.restartBy = by;
    old.info.notRestarted = null;
    run.changed();
    try {
      const handle = await replace(this.target, old, old.info.pciSlot, this.policyOf(old.name));
      await handle.observe();
      handle.info.pciSlot = old.info.pciSlot;
      handle.info.restarts = old.info.restarts + 1;
      handle.info.status = 'running';
      handle.info.restartBy = null;
      handle.info.policyRestarts = this.recentRestarts(old.name);
      run.watch(handle);
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
      h.info.error = messageOf(e);
    }
    if (run.info.status === 'running') run.info.status = 'degraded';
    run.info.culprit = name;
    run.info.reason = `restart of ${name} failed: ${messageOf(e)}`;
    run.info.culpritLog = h?.log.tailLines(run.settings.culpritLines) ?? [];
    run.changed();
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
    if (this.book.isBusy(h.name)) {
      throw new LiveRefused(`${h.name} is being restarted; try again`);
    }
    await this.book.with(h.name, async () => {
      try {
        h.retired = true;
        await unplug(this.target, h.name, device);
        await stopOld(this.target, h);
        run.step(`${h.name} ${h.describeExit()} after ${device} was unplugged`, 'done', h.name);
        run.handles.delete(h.name);
        run.recovered();
      } catch (e) {
        this.fail(h.name, e);
        throw e;
      }
    });
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
}
