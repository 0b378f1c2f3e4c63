/**
 * Live changes of a running VM: the restart policy, runs.restartProcess and runs.applyLive, built
 * from the steps in live-plug.ts. The main QEMU is never restarted here; its pid never changes. A
 * change that fails leaves the run degraded with the failed step's reason, never a half-started
 * process: each new process is registered before anything waits, so a stop always sees it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DEFAULT_RESTART_POLICY,
  RESERVED_SLOTS,
  decideRestart,
  liveChangeRefusal,
  restartRefusal,
  withDeviceFrom,
  withoutDevice,
  type LiveDiff,
  type PlannedProcess,
  type RestartPolicy,
  type Topology,
} from '@mpqemu/shared';
import type { ProcessHandle } from './process-handle.ts';
import { message, plug, stopOld, unplug, type LiveHost } from './live-plug.ts';
import { LiveFailed, LiveRefused, UnknownRun } from './types.ts';

export type { LiveHost } from './live-plug.ts';

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
    const refusal = restartRefusal(
      {
        status: this.run.info.status,
        spares: { ...this.run.info.spares, left: this.run.sparesLeft() },
      },
      old && { role: old.plan.role, status: old.info.status },
      this.busy.has(name),
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
        this.run.setTopology(withoutDevice(this.run.info.topology, change.device));
        this.run.changed();
      }
      if (change.kind === 'add-device' || change.kind === 'replace-device') {
        const plan = planned.get(change.device);
        if (!plan) throw new LiveFailed(`no plan for ${change.device}`);
        const wanted = edited.devices.find((d) => d.id === change.device)?.slot;
        const handle = await plug(this.run, plan, this.slotFor(wanted), 0);
        this.run.setTopology(withDeviceFrom(this.run.info.topology, edited, change.device));
        handle.info.status = 'running';
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
      await unplug(run, old.name, device);
      await stopOld(run, old);
      const handle = await plug(run, old.plan, slot, old.info.restarts + 1);
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
      await unplug(run, h.name, device);
      await stopOld(run, h);
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
}
