/**
 * One launched topology: spawns its processes, waits until each answers on QMP, watches them
 * while the VM runs, and tears everything down on failure, poweroff or stop.
 */
import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunInfo, RunStatus } from '@mpqemu/shared';
import { connectQmp } from '../qmp/client.ts';
import { ProcessHandle } from './process-handle.ts';
import { RunRecord, type RunSettings, type RunSpec } from './run-record.ts';
import { SerialConsole } from './serial-console.ts';
import { spawnPlan } from './spawn.ts';
import { StatsSampler } from './stats-sampler.ts';
import { powerDown, quit, type ShutdownContext } from './guest-shutdown.ts';
import { terminate } from './terminate.ts';
import type { StopOptions } from './types.ts';

export class Run extends RunRecord {
  readonly console: SerialConsole;
  readonly stats: StatsSampler;
  private readonly abort = new AbortController();
  private ending: Promise<RunInfo> | null = null;
  /** Aborted by a force stop: every wait for a graceful exit ends at once. */
  private readonly forced = new AbortController();
  private readonly ended: Promise<void>;
  private markEnded: () => void = () => undefined;

  constructor(
    spec: RunSpec,
    private readonly settings: RunSettings,
    onChange: (info: RunInfo) => void,
  ) {
    super(spec, onChange);
    this.console = new SerialConsole(settings.consoleBytes);
    this.stats = new StatsSampler(() => [...this.handles.values()]);
    this.ended = new Promise((resolve) => (this.markEnded = resolve));
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
      children = spawnPlan(plan, {
        setpriv: this.settings.setpriv,
        cwd: this.spec.dir,
        fileFd: (path, write) => this.spec.files.fdOf(path, write),
      });
    } catch (e) {
      this.settle(spawning, 'failed');
      await this.end('failed', `could not start the processes: ${(e as Error).message}`);
      return;
    } finally {
      // Each QEMU has its own copy now; ours would only keep the files open after it exits.
      await this.spec.files.close();
    }
    for (const process of plan.processes) {
      const child = children.get(process.name);
      if (!child) continue;
      const handle = new ProcessHandle(
        process,
        child,
        this.settings.logs,
        `${this.spec.dir}/${process.name}.log`,
        (h) => this.processExited(h),
      );
      this.handles.set(process.name, handle);
    }
    const pids = [...this.handles.values()].map((h) => `${h.name} ${h.info.pid ?? '?'}`);
    this.settle(spawning, 'done', `Started ${pids.join(', ')}`);

    const deadline = Date.now() + this.settings.readyTimeoutMs;
    const serial = plan.processes.find((p) => p.serialSocket !== null)?.serialSocket ?? null;
    // The console is connected while QEMU is still starting, so no early guest output is lost.
    const consoleReady =
      serial === null
        ? Promise.resolve()
        : this.console.connect(serial, deadline, this.abort.signal);
    consoleReady.catch(() => undefined);
    const ready = await Promise.all(
      [...this.handles.values()].map((h) => this.waitReady(h, deadline)),
    );
    if (!ready.every(Boolean) || this.info.status !== 'starting') return;
    if (serial !== null) {
      const attached = this.step('Connecting to the guest serial console');
      try {
        await consoleReady;
        this.settle(attached, 'done', 'Guest serial console connected');
      } catch (e) {
        // The VM runs; only the console view is missing, so this is not worth killing it over.
        this.settle(
          attached,
          'failed',
          `Guest serial console unavailable: ${(e as Error).message}`,
        );
      }
    }
    if (this.info.status !== 'starting') return;
    this.info.status = 'running';
    this.step('All processes ready; the VM is running', 'done');
    this.stats.start();
  }

  private async waitReady(h: ProcessHandle, deadline: number): Promise<boolean> {
    const query = h.plan.role === 'main' ? 'query-status' : 'query-pci';
    const step = this.step(`${h.name}: waiting for QMP (${query})`);
    const onExit = new AbortController();
    void h.exited.then(() => onExit.abort());
    try {
      const signal = AbortSignal.any([this.abort.signal, onExit.signal]);
      h.qmp = await connectQmp(h.plan.qmpSocket, Math.max(1, deadline - Date.now()), signal);
      if (h.exit) h.qmp.close();
      await h.qmp.execute(query, undefined, Math.max(1, deadline - Date.now()));
      h.info.status = 'running';
      this.settle(step, 'done', `${h.name} ready (pid ${h.info.pid ?? '?'})`);
      return true;
    } catch (e) {
      this.settle(step, 'failed');
      // QMP usually closes a moment before the exit is reaped; an exit explains it better.
      await Promise.race([h.exited, sleep(1000)]);
      if (!h.exit && !this.abort.signal.aborted) {
        const timedOut = Date.now() >= deadline;
        const seconds = Math.round(this.settings.readyTimeoutMs / 1000);
        const why = timedOut ? `was not ready within ${seconds} s` : 'did not become ready';
        this.failStart(h, `${why}: ${(e as Error).message}`);
      }
      return false;
    } finally {
      onExit.abort();
    }
  }

  private processExited(h: ProcessHandle): void {
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
    await Promise.race([h.child.then(() => undefined), sleep(500)]);
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
    this.step(`${h.name} ${h.info.error}`, 'failed');
    if (first) {
      void this.culpritTail(h).then((lines) => {
        if (this.info.culprit !== h.name || this.terminal) return;
        this.info.culpritLog = lines;
        this.changed();
      });
    }
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
    if (options.force === true) this.forced.abort();
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
        if (main.alive) await quit(main, ctx);
      }
      const how = this.forced.signal.aborted ? 'force-stopped' : 'stopped';
      return {
        status: 'stopped',
        reason: `${how} by the user${wasStarting ? ' during start' : ''}`,
      };
    });
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
        await terminate(all, natural, this.settings.killGraceMs, this.forced.signal);
        this.settle(ending, 'done', 'No process of this run is left');
      }
      await Promise.all(all.map((h) => h.exited));
      this.cleanup();
      await this.removeSockets();
      this.info.status = outcome.status;
      this.info.reason ??= outcome.reason;
      if (outcome.status === 'stopped') this.info.reason = outcome.reason;
      this.info.endedAt = Date.now();
      this.changed();
      this.updates.close();
      this.markEnded();
      return this.snapshot();
    })();
    return this.ending;
  }

  private cleanup(): void {
    this.stats.stop();
    this.console.close();
    for (const h of this.handles.values()) h.qmp?.close();
  }

  /** Logs stay in the run directory for post-mortems; sockets are meaningless once QEMU is gone. */
  private async removeSockets(): Promise<void> {
    const sockets = this.spec.plan.processes.flatMap((p) => [p.qmpSocket, p.serialSocket ?? '']);
    await Promise.all(sockets.filter((s) => s !== '').map((s) => rm(s, { force: true })));
  }
}
