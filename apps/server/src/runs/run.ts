/**
 * One launched topology: spawns its processes, waits until each answers on QMP, watches them
 * while the VM runs, and tears everything down on failure, poweroff or stop.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { PlannedProcess, RunInfo, RunStatus } from '@mpqemu/shared';
import { launchOnSpare, launchPlan, type LaunchOptions, type SpareEnd } from '../runtime/launch.ts';
import { waitAnswering, type Step } from '../runtime/live.ts';
import { describeSilence, watchLiveness } from '../runtime/liveness.ts';
import type { QemuProcess } from '../runtime/qemu-process.ts';
import { readinessQuery } from '../runtime/qmp.ts';
import { terminate } from '../runtime/terminate.ts';
import { ProcessHandle } from './process-handle.ts';
import { RunRecord, type RunSettings, type RunSpec } from './run-record.ts';
import { SerialConsole } from './serial-console.ts';
import { LiveOps, type LiveHost } from './live-ops.ts';
import type { HeldFiles } from './preflight.ts';
import { StatsSampler } from './stats-sampler.ts';
import { powerDown, quit, type ShutdownContext } from './guest-shutdown.ts';
import { isStopped } from './proc.ts';
import { LiveRefused, type StopOptions } from './types.ts';

/** SIGTERM to SIGKILL in a force stop. */
const FORCED_TERM_GRACE_MS = 500;

export class Run extends RunRecord implements LiveHost {
  readonly console: SerialConsole;
  readonly stats: StatsSampler;
  private readonly abort = new AbortController();
  private ending: Promise<RunInfo> | null = null;
  /** Aborted by a force stop: every wait for a graceful exit ends at once. */
  private readonly forced = new AbortController();
  private readonly ended: Promise<void>;
  private markEnded: () => void = () => undefined;
  /** Server ends of the spare socketpairs, used up one per restart or hot-plug. */
  private spares: SpareEnd[] = [];
  /** Descriptors of the run's host files (the launch's, then each hot-add's), closed at the end. */
  private readonly held: HeldFiles[];
  readonly live: LiveOps;

  constructor(
    spec: RunSpec,
    readonly settings: RunSettings,
    onChange: (info: RunInfo) => void,
  ) {
    super(spec, onChange);
    this.held = [spec.files];
    this.console = new SerialConsole(settings.consoleBytes);
    this.stats = new StatsSampler(() => [...this.handles.values()]);
    this.ended = new Promise((resolve) => (this.markEnded = resolve));
    this.live = new LiveOps(this);
  }

  /** Aborted once the run stops or fails: nothing may be started after that. */
  get stopping(): AbortSignal {
    return this.abort.signal;
  }

  /**
   * Keeps `files` open until the run ends: a restarted or hot-added remote process gets its
   * images as the same descriptors, never by name.
   */
  holdFiles(files: HeldFiles): void {
    this.held.push(files);
  }

  private launchOptions(): LaunchOptions {
    return {
      cwd: this.spec.dir,
      fileFd: (path, write) => {
        for (const files of this.held) {
          const fd = files.fdOf(path, write);
          if (fd !== undefined) return fd;
        }
        return undefined;
      },
    };
  }

  sparesLeft(): number {
    return this.spares.length;
  }

  /**
   * Starts a remote process of the running VM on the next spare channel and registers it under
   * its name. Synchronous from the check to the registration, so that a stop sees it.
   */
  spawnOnSpare(plan: PlannedProcess): { member: ProcessHandle; fd: number } {
    if (this.abort.signal.aborted || this.ending) {
      throw new LiveRefused(`run ${this.spec.id} is ${this.info.status}; nothing new is started`);
    }
    const spare = this.spares.shift();
    if (!spare) {
      throw new LiveRefused(
        `no spare channel left: the main QEMU was started with ${this.info.spares.total}, all used by restarts and hot-plugs; restart the VM to get new ones`,
      );
    }
    this.info.spares.left = this.spares.length;
    const previous = this.handles.get(plan.name)?.info;
    const proc = launchOnSpare(plan, spare, this.launchOptions());
    const member = this.adopt(plan, proc);
    if (previous?.status === 'restarting') {
      // The node keeps saying `restarting` (and for whom) until the new process is plugged in.
      member.info.status = 'restarting';
      member.info.restartBy = previous.restartBy;
      member.info.policyRestarts = previous.policyRestarts;
    }
    return { member, fd: spare.fd };
  }

  /** One reported step of a live change, as a run step of `process`. */
  liveStep(text: string, process: string): Step {
    const step = this.step(text, 'active', process);
    return {
      done: (done) => this.settle(step, 'done', done),
      failed: (failed) => this.settle(step, 'failed', failed),
    };
  }

  private adopt(plan: PlannedProcess, proc: QemuProcess): ProcessHandle {
    const handle = new ProcessHandle(
      plan,
      proc,
      this.settings.logs,
      `${this.spec.dir}/${plan.name}.log`,
      (h) => this.processExited(h),
    );
    handle.info.pciSlot = this.spec.plan.pciSlots[plan.devices[0] ?? ''] ?? null;
    if (plan.role === 'main') handle.info.pciSlot = null;
    this.handles.set(plan.name, handle);
    return handle;
  }

  /** Resolves once the run is stopped or failed and no process is left. */
  whenEnded(): Promise<void> {
    return this.ended;
  }

  /** Spawns and waits for readiness; never throws (failures end up in the run's state). */
  async launch(): Promise<void> {
    try {
      await this.orchestrate();
    } catch (e) {
      // A bug, not a QEMU failure: still leave no process behind and say what happened.
      this.abort.abort();
      await this.end('failed', `launcher error: ${(e as Error).message}`);
    }
  }

  private async orchestrate(): Promise<void> {
    const { plan } = this.spec;
    const remotes = plan.processes.filter((p) => p.role === 'remote').length;
    const spawning = this.step(
      `Starting ${remotes} remote process${remotes === 1 ? '' : 'es'} and the main QEMU`,
    );
    let children;
    try {
      const spawned = launchPlan(plan, this.launchOptions());
      this.settings.onSpawned?.(this.spec.id);
      children = spawned.processes;
      this.spares = spawned.spares;
      this.info.spares = { total: spawned.spares.length, left: spawned.spares.length };
    } catch (e) {
      this.settle(spawning, 'failed');
      await this.end('failed', `could not start the processes: ${(e as Error).message}`);
      return;
    }
    for (const process of plan.processes) {
      const child = children.get(process.name);
      if (child) this.adopt(process, child);
    }
    const pids = [...this.handles.values()].map((h) => `${h.name} ${h.info.pid ?? '?'}`);
    this.settle(spawning, 'done', `Started ${pids.join(', ')}`);

    // Our end of the console exists from the spawn on, so no early guest output is lost.
    const main = plan.processes.find((p) => p.role === 'main');
    const serialEnd =
      main?.serialFd == null ? undefined : children.get(main.name)?.ends.get(main.serialFd);
    if (serialEnd) this.console.attach(serialEnd);
    const ready = await Promise.all([...this.handles.values()].map((h) => this.waitReady(h)));
    if (!ready.every(Boolean) || this.info.status !== 'starting') return;
    this.info.status = 'running';
    this.step('All processes ready; the VM is running', 'done');
    this.stats.start();
  }

  private async waitReady(h: ProcessHandle): Promise<boolean> {
    const step = this.step(`${h.name}: waiting for QMP (${readinessQuery(h.plan.role)})`);
    const deadline = Date.now() + this.settings.readyTimeoutMs;
    try {
      await waitAnswering(h, this.settings.readyTimeoutMs, this.abort.signal);
      await h.observe();
      h.info.status = 'running';
      this.settle(step, 'done', `${h.name} ready (pid ${h.info.pid ?? '?'})`);
      if (h.plan.role === 'remote') this.watch(h);
      return true;
    } catch (e) {
      this.settle(step, 'failed');
      // QMP usually closes a moment before the exit is reaped; an exit explains it better.
      await Promise.race([h.exited, sleep(1000)]);
      if (!h.exit && !this.abort.signal.aborted) {
        const seconds = Math.round(this.settings.readyTimeoutMs / 1000);
        const timedOut = Date.now() >= deadline;
        const why = timedOut ? `was not ready within ${seconds} s` : 'did not become ready';
        this.failStart(h, `${why}: ${(e as Error).message}`);
      }
      return false;
    }
  }

  /**
   * Pings a running device process's monitor (runtime/liveness.ts): a hung one is shown as such,
   * killed, and its exit goes to the restart policy like a crash.
   */
  watch(h: ProcessHandle): void {
    watchLiveness(h, this.settings.livenessIntervalMs, this.abort.signal, (silentMs) => {
      if (this.handles.get(h.name) !== h) return;
      const silent = describeSilence(silentMs);
      h.info.status = 'hung';
      h.info.error = `hung: no answer for ${silent}`;
      this.step(
        `${h.name} hung: no answer to QMP (query-status) for ${silent}; killing it (SIGKILL)`,
        'failed',
        h.name,
      );
    });
  }

  private processExited(h: ProcessHandle): void {
    // A process replaced or unplugged on purpose: its exit is a step of that change, not a fault.
    if (this.handles.get(h.name) !== h || h.retired) {
      this.changed();
      return;
    }
    switch (this.info.status) {
      case 'starting':
        this.failStart(h, `${h.describeExit()} during start`);
        break;
      case 'running':
      case 'degraded':
        if (h.plan.role === 'remote') this.degrade(h);
        else if (h.exit?.code === 0 && h.exit.signal === null) this.poweredOff();
        else this.crashed(h);
        break;
      default:
        break;
    }
    this.changed();
  }

  private async culpritTail(h: ProcessHandle): Promise<string[]> {
    // 'exit' comes before the pipes drain; the last stderr lines are usually the reason.
    await Promise.race([h.proc.drained, sleep(500)]);
    return h.log.tailLines(this.settings.culpritLines);
  }

  private blame(h: ProcessHandle, error: string, reason: string): void {
    h.info.status = 'failed';
    h.info.error = error;
    this.info.culprit = h.name;
    this.info.reason = reason;
    this.info.culpritLog = h.log.tailLines(this.settings.culpritLines);
  }

  private failStart(h: ProcessHandle, why: string): void {
    if (this.info.status !== 'starting') return;
    this.abort.abort();
    this.info.status = 'stopping';
    const reason = `${h.name} ${why}`;
    this.blame(h, why, reason);
    this.step(`${reason}; stopping the other processes`, 'failed');
    void this.finish(async () => {
      this.info.culpritLog = await this.culpritTail(h);
      return { status: 'failed', reason };
    });
  }

  private degrade(h: ProcessHandle): void {
    const devices = h.plan.devices.join(', ');
    const first = this.info.status === 'running';
    h.info.status = 'failed';
    h.info.error = `${h.describeExit()} while the VM was running`;
    if (first) {
      this.info.status = 'degraded';
      this.blame(
        h,
        h.info.error,
        `remote process ${h.name} (${devices}) ${h.describeExit()} while the VM was running; the guest now reads 0xffff from ${devices}`,
      );
    } else {
      this.info.reason = `${this.info.reason ?? ''}; remote process ${h.name} (${devices}) ${h.describeExit()} too`;
    }
    this.step(`${h.name} ${h.info.error}`, 'failed', h.name);
    this.live.onRemoteDied(h);
    if (first) {
      void this.culpritTail(h).then((lines) => {
        if (this.info.culprit !== h.name || this.terminal) return;
        this.info.culpritLog = lines;
        this.changed();
      });
    }
  }

  /**
   * After a process came back: the run is running again when every process is, else it stays
   * degraded and blames one that is still down.
   */
  recovered(): void {
    if (this.info.status !== 'degraded') return;
    const down = [...this.handles.values()].filter((h) => h.info.status !== 'running');
    if (down.length === 0) {
      this.info.status = 'running';
      this.info.reason = null;
      this.info.culprit = null;
      this.info.culpritLog = [];
    } else if (!down.some((h) => h.name === this.info.culprit)) {
      const next = down[0];
      if (next) this.blame(next, next.info.error ?? 'not running', `${next.name} is not running`);
    }
    this.changed();
  }

  private poweredOff(): void {
    this.abort.abort();
    this.info.status = 'stopping';
    this.step('The guest powered off; waiting for the remote processes to follow', 'done');
    void this.end('stopped', 'guest powered off');
  }

  private crashed(h: ProcessHandle): void {
    this.abort.abort();
    this.info.status = 'stopping';
    const reason = `the main QEMU ${h.describeExit()}`;
    this.blame(h, `${h.describeExit()} while the VM was running`, reason);
    this.step(`main ${h.describeExit()}; stopping the remote processes`, 'failed');
    void this.finish(async () => {
      this.info.culpritLog = await this.culpritTail(h);
      return { status: 'failed', reason };
    });
  }

  /**
   * Powerdown, grace period, quit, SIGTERM, SIGKILL. `force` skips the power-down; given while
   * a stop already waits for the guest, it cuts that wait short (the same teardown escalates).
   */
  stop(options: StopOptions = {}): Promise<RunInfo> {
    if (options.force === true) {
      this.forced.abort();
      this.killStuck();
    }
    if (this.ending) return this.ending.then(() => this.snapshot());
    const wasStarting = this.info.status === 'starting';
    this.abort.abort();
    this.info.status = 'stopping';
    this.changed();
    return this.finish(async () => {
      const main = this.handles.get('main');
      if (main?.alive && main.qmp && !wasStarting) {
        const ctx = this.shutdownContext();
        if (!this.forced.signal.aborted) await powerDown(main, ctx);
        // The guest may have powered off during the await, which narrowing cannot see.
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
        if (main.alive) await quit(main, ctx);
      }
      const how = this.forced.signal.aborted ? 'force-stopped' : 'stopped';
      return {
        status: 'stopped',
        reason: `${how} by the user${wasStarting ? ' during start' : ''}`,
      };
    });
  }

  /**
   * A force stop kills at once the device processes that cannot take part in a stop: a hung one,
   * and a stopped one (SIGSTOP), which runs no handler, so SIGTERM would only wait out its grace,
   * and on which the main QEMU may be waiting with its global lock held, deaf to `quit`.
   */
  private killStuck(): void {
    for (const h of this.handles.values()) {
      if (h.plan.role !== 'remote' || !h.alive || h.info.pid === null) continue;
      if (h.info.status !== 'hung' && !isStopped(h.info.pid)) continue;
      h.retired = true;
      h.kill('SIGKILL');
      this.step(`Force stop: ${h.name} was not answering; killed it (SIGKILL)`, 'done', h.name);
    }
  }

  /** The run's side of the shutdown steps (guest-shutdown.ts). */
  private shutdownContext(): ShutdownContext {
    return {
      step: (text) => this.step(text),
      settle: (step, state, text) => this.settle(step, state, text),
      setPowerDown: (state) => (this.info.powerDown = state),
      graceMs: this.settings.stopGraceMs,
      forced: this.forced.signal,
    };
  }

  private end(status: RunStatus, reason: string): Promise<RunInfo> {
    return this.finish(() => Promise.resolve({ status, reason }));
  }

  /** Runs `before` once, then makes sure no process is left, cleans up and publishes the result. */
  private finish(before: () => Promise<{ status: RunStatus; reason: string }>): Promise<RunInfo> {
    this.ending ??= (async () => {
      const outcome = await before();
      const all = [...this.handles.values()];
      if (all.some((h) => h.alive)) {
        const ending = this.step('Stopping the remaining processes');
        // Remote processes exit by themselves once the main QEMU is gone.
        const main = this.handles.get('main');
        const natural = main && !main.alive ? this.settings.killGraceMs : 0;
        // A force stop does not wait out SIGTERM's full grace either: it has to end now.
        const grace = this.forced.signal.aborted ? FORCED_TERM_GRACE_MS : this.settings.killGraceMs;
        await terminate(all, natural, grace, this.forced.signal);
        this.settle(ending, 'done', 'No process of this run is left');
      }
      await Promise.all(all.map((h) => h.exited));
      this.cleanup();
      await Promise.all(this.held.map((files) => files.close()));
      this.info.status = outcome.status;
      this.info.reason ??= outcome.reason;
      if (outcome.status === 'stopped') this.info.reason = outcome.reason;
      this.info.endedAt = Date.now();
      this.changed();
      this.publish();
      this.updates.close();
      this.markEnded();
      return this.snapshot();
    })();
    return this.ending;
  }

  private cleanup(): void {
    for (const spare of this.spares) spare.end.destroy();
    this.spares = [];
    this.stats.stop();
    this.console.close();
    for (const h of this.handles.values()) h.qmp?.close();
  }
}
