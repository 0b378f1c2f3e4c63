/**
 * The contract between the launcher (runs/*) and the API (router/*). The launcher owns processes;
 * the API only calls these methods.
 */
import type {
  LiveDiff,
  LogChunk,
  Problem,
  QmpOperation,
  RunInfo,
  StatsSample,
  Topology,
} from '@mpqemu/shared';

export interface StartOptions {
  /** Name in the topology store, shown in the run list. */
  topologyName?: string;
  /**
   * Warnings the caller has shown to the user and had confirmed (their codes). Starting with an
   * unacknowledged warning is refused, so nobody launches a topology we know hangs unwarned.
   */
  acknowledged?: readonly string[];
}

export interface StopOptions {
  /** Quit QEMU now instead of giving the guest time to power off: unsaved guest data is lost. */
  force?: boolean;
}

/** Thrown by start(): nothing was started. */
export class StartRefused extends Error {
  constructor(
    message: string,
    readonly problems: Problem[],
  ) {
    super(message);
    this.name = 'StartRefused';
  }
}

export interface RunManager {
  /**
   * Validates, checks the host (images exist, QEMU present), plans and begins spawning. Resolves
   * as soon as the run exists (status `starting`); follow it with events(). Throws StartRefused
   * when the topology has errors or unacknowledged warnings, or the host check fails.
   */
  start(topology: Topology, options?: StartOptions): Promise<RunInfo>;
  /**
   * The host checks of start() alone (QEMU tools present; each image, kernel and initrd exists,
   * is readable, writable unless read-only, of its declared format, not in use by another run),
   * with the same codes and words. The designer, `mpqemu check --probe` and Start all call this.
   */
  /**
   * `ownRun`: the run of this very document (editing a running VM), whose own images are not
   * "in use by another run".
   */
  hostCheck(topology: Topology, ownRun?: string): Promise<Problem[]>;
  /**
   * Powerdown with a grace period, then quit, SIGTERM, SIGKILL. Resolves when no process remains.
   * With `force`, skips the power-down; while a stop already waits for the guest, cuts it short.
   */
  stop(runId: string, options?: StopOptions): Promise<RunInfo>;
  list(): RunInfo[];
  get(runId: string): RunInfo | undefined;
  /** Snapshots of one run (or of every run when runId is null), starting with the current one. */
  events(runId: string | null, signal: AbortSignal): AsyncIterable<RunInfo>;
  /** One process's log: the buffered backlog first, then new chunks. */
  logs(runId: string, process: string, signal: AbortSignal): AsyncIterable<LogChunk>;
  /** Guest serial output: the buffered backlog first, then new output. */
  console(runId: string, signal: AbortSignal): AsyncIterable<string>;
  /** Keystrokes to the guest's serial port. */
  consoleInput(runId: string, data: string): void;
  /** CPU and memory per process, about once a second. */
  stats(runId: string, signal: AbortSignal): AsyncIterable<StatsSample>;
  /**
   * Sends one allow-listed QMP command (no arguments) to a process of a running VM and resolves
   * with QMP's `return` value. Throws UnknownRun, or QmpRefused when the op does not apply.
   */
  qmp(runId: string, process: string, op: QmpOperation): Promise<unknown>;
  /**
   * Where the run's screen is served (its main QEMU's VNC socket) and a signal aborted when the
   * run stops. Throws UnknownRun, or QmpRefused when the VM has no display or is not running.
   */
  screen(runId: string): ScreenTarget;
  /** A still of the run's screen as PNG (QMP screendump); refused like screen(). */
  screenshot(runId: string): Promise<Screenshot>;
  /** Real path of every image, kernel and initrd a live run holds → the ids of those runs. */
  filesInUse(): ReadonlyMap<string, readonly string[]>;
  /**
   * Replaces a remote process of a running VM without rebooting the guest: unplug its proxy,
   * stop it, start it again on a spare channel, plug the proxy back at the same slot. Resolves
   * when it answers; throws LiveRefused when it cannot be tried, LiveFailed when a step failed.
   */
  restartProcess(runId: string, process: string): Promise<RunInfo>;
  /** What applying `topology` to the running VM would do (nothing changes). */
  diffLive(runId: string, topology: Topology): LiveDiff;
  /**
   * Applies the live part of `topology` to the running VM (hot-plug, hot-unplug, policies).
   * Refuses (LiveRefused) when the document has errors or unacknowledged warnings, or when any
   * difference needs a VM restart; nothing is changed then.
   */
  applyLive(runId: string, topology: Topology, options?: StartOptions): Promise<RunInfo>;
  /** Stops every run; used on server shutdown. */
  shutdown(): Promise<void>;
}

/** A run id (or a process of it) that the launcher does not know, or no longer remembers. */
export class UnknownRun extends Error {
  constructor(
    readonly runId: string,
    readonly process?: string,
  ) {
    super(
      process === undefined
        ? `There is no run "${runId}".`
        : `Run "${runId}" has no process "${process}".`,
    );
    this.name = 'UnknownRun';
  }
}

export { LiveFailed, LiveRefused } from '../runtime/errors.ts';

/** A QMP operation that was not sent, or that QEMU did not answer. */
export class QmpRefused extends Error {
  constructor(
    message: string,
    /** `not-allowed`: never for this process; `unavailable`: not now (not running, no reply). */
    readonly kind: 'not-allowed' | 'unavailable',
  ) {
    super(message);
    this.name = 'QmpRefused';
  }
}

/** A running VM's screen: its VNC unix socket, and a signal that aborts when the run stops. */
export interface ScreenTarget {
  socket: string;
  stopping: AbortSignal;
}

/** A still of the screen, as a PNG file. */
export interface Screenshot {
  png: Buffer;
  width: number;
  height: number;
}
