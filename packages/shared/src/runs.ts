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
  /** Its jail: what the plan asked for, and what the running process really has. */
  jail: ProcessJail;
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

export interface ProcessJail {
  confined: boolean;
  /** Why it runs unconfined (plan/jail.ts); null when confined. */
  unconfinedBecause: string | null;
  /** Why it shares the host's network; null when its network namespace is empty. */
  networkBecause: string | null;
  /** Read back from /proc of the running QEMU; null until it runs, or when /proc would not say. */
  observed: ObservedJail | null;
}

/** What /proc says about a running QEMU (the server reads it; the plan is not trusted for it). */
export interface ObservedJail {
  /** QEMU's pid on the host (inside a jail, bubblewrap's grandchild). */
  pid: number;
  /** Real uid and gid as the host sees them. */
  uid: number;
  gid: number;
  /** Effective capabilities as /proc shows them (hex); all zero when it has none. */
  capabilities: string;
  noNewPrivs: boolean;
  /** 0 none, 1 strict, 2 filter (QEMU's -sandbox). */
  seccomp: number;
  /** Namespaces it has of its own, and those it shares with the server. */
  ownNamespaces: string[];
  sharedNamespaces: string[];
  /** The entries of its root directory: what of a filesystem it can see at all. */
  rootEntries: string[] | null;
  /** Its resource limits, as /proc/PID/limits lists them (soft limit). */
  limits: { name: string; value: string }[];
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
