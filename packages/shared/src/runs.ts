/**
 * Runtime state of launched topologies, shared by the server (which owns it) and the UI (which
 * shows it). Never part of a topology document or of undo history.
 */
import type { Problem } from './problems.ts';
import type { Topology } from './schema.ts';

/**
 * `restarting`: a remote process being replaced while the VM runs (its proxy unplugged, a new
 * process started and plugged in again); it ends `running`, or `failed` with the reason.
 * `hung`: a remote process that stopped answering its monitor; it is being killed, and then goes
 * to its restart policy like a crash (`error` says "hung: no answer for N s").
 */
export type ProcessStatus = 'starting' | 'running' | 'hung' | 'restarting' | 'exited' | 'failed';
export type RunStatus = 'starting' | 'running' | 'degraded' | 'stopping' | 'stopped' | 'failed';

export interface ProcessInfo {
  /** `main` or the remote process id. */
  name: string;
  role: 'remote' | 'main';
  status: ProcessStatus;
  pid: number | null;
  exitCode: number | null;
  signal: string | null;
  devices: string[];
  /** Why it failed, in words (readiness timeout, spawn error, died while the VM ran…). */
  error: string | null;
  startedAt: number | null;
  endedAt: number | null;
  /** Bytes of log dropped from the front of the bounded buffer. */
  logDropped: number;
  /** Times this remote process was replaced while the VM ran (by the policy or the user). */
  restarts: number;
  /** The proxy's PCI slot on the main QEMU's bus 0, for a remote process; null for main. */
  pciSlot: number | null;
  /**
   * When its restart policy restarted it (ms), those still within the policy's window when the
   * state was published: with the policy they give the budget left (`restartBudget`).
   */
  policyRestarts: number[];
  /** Who the restart under way is for, while `restarting`: its policy or a person. */
  restartBy: 'policy' | 'user' | null;
  /** Why its policy did not restart it, word for word; null once it runs again. */
  notRestarted: string | null;
}

export interface RunStep {
  at: number;
  text: string;
  state: 'active' | 'done' | 'failed';
  /** The process the step is about (a restart, a hot-add), so a UI can point at its node. */
  process?: string;
}

/** Socketpair ends the main QEMU got at launch for live changes (see `spareChannels`). */
export interface SpareChannels {
  total: number;
  left: number;
}

export interface RunInfo {
  id: string;
  /** The saved topology it came from, when started from the store. */
  topologyName: string | null;
  vmName: string;
  status: RunStatus;
  createdAt: number;
  endedAt: number | null;
  /** The orchestration steps as they happened. */
  steps: RunStep[];
  processes: ProcessInfo[];
  /** Why the run is degraded, failed or stopped, in words. */
  reason: string | null;
  /** The process that made the run fail or degrade. */
  culprit: string | null;
  /** Last lines of the culprit's log. */
  culpritLog: string[];
  /** Warnings the user started it with. */
  problems: Problem[];
  /**
   * Set while a stop waits for the guest to power off (ACPI): when it asked, and how long it
   * waits at most before quitting QEMU. Lets a UI offer to force the stop. Absent otherwise.
   */
  powerDown?: { since: number; graceMs: number } | null;
  /**
   * The document the VM runs now: the one it started with plus the live changes applied since.
   * Compare an edited document against it with `diffLive`.
   */
  topology: Topology;
  spares: SpareChannels;
}

export interface LogChunk {
  process: string;
  /** Text of the chunk; the first chunk of a subscription carries the buffered backlog. */
  text: string;
  /** Total bytes dropped so far for this process. */
  dropped: number;
}

export interface ProcessSample {
  name: string;
  pid: number;
  /** Percent of one core over the last interval. */
  cpuPercent: number;
  rssBytes: number;
}

export interface StatsSample {
  at: number;
  processes: ProcessSample[];
}

/** The states a run never leaves: its processes are gone and its sockets removed. */
export const TERMINAL_RUN_STATES: readonly RunStatus[] = ['stopped', 'failed'];
