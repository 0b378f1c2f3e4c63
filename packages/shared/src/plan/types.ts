/**
 * The shape of a launch plan and the constants it is built with, apart from the planner so that
 * `planLaunch` (plan.ts) and the builder (build.ts) both depend on it instead of on each other.
 */
import type { Problem } from '../problems.ts';
import type { RestartPolicy } from '../schema.ts';
import type { PlanArg } from './args.ts';
import type { IsolationMode, PlannedJail } from './jail.ts';
import type { InheritedFile } from './opened-files.ts';

/** Every QEMU gets the strictest seccomp filter that still runs the orchestration (measured). */
export const SANDBOX = {
  sandbox: 'on',
  obsolete: 'deny',
  elevateprivileges: 'deny',
  spawn: 'deny',
  resourcecontrol: 'deny',
} as const;

/** The run directory's folder for the screen's socket (see PlannedProcess.vnc). */
export const SCREEN_DIR = 'screen';

/** The first fd a child gets beyond stdin/stdout/stderr. */
export const FIRST_CHANNEL_FD = 3;

/** One socketpair: one end is fd `remoteFd` of the remote process, the other `mainFd` of the main QEMU. */
export interface Channel {
  device: string;
  remote: string;
  remoteFd: number;
  mainFd: number;
}

export interface PlannedProcess {
  /** `main` or the remote process id. */
  name: string;
  role: 'remote' | 'main';
  /** argv[0] is the QEMU binary. */
  argv: string[];
  /** The same options, structured, for the readable rendering. */
  args: PlanArg[];
  /** Child fd number → the device whose channel it carries. */
  fds: Record<string, string>;
  /**
   * Child fd number → the host file opened for it (set by `passFilesByFd`; absent when the plan
   * names files by path, as the export's does).
   */
  files?: Record<string, InheritedFile>;
  /** The fd of the process's QMP monitor: a socketpair end whose other end the orchestrator holds. */
  qmpFd: number;
  /** The fd of the guest's serial console (main QEMU only), likewise a socketpair end. */
  serialFd: number | null;
  /**
   * The unix socket the main QEMU serves the screen on (RFB), when the VM has a display device:
   * `<runDir>/screen/vnc.sock`, never a TCP port. Its folder holds nothing else, so a jail can
   * bind exactly it; whoever launches the plan makes it (mode 0700) first. Null otherwise.
   */
  vnc: string | null;
  /** Device ids this process emulates. */
  devices: string[];
  /** What happens when this remote process dies while the VM runs; null for the main QEMU. */
  restart: RestartPolicy | null;
  /** Its jail (jail.ts): what it sees and runs as, and the wrapper argv put before `argv`. */
  jail: PlannedJail;
}

export interface LaunchPlan {
  runDir: string;
  /** Remote processes first (each must exist before the main QEMU connects), then the main QEMU. */
  processes: PlannedProcess[];
  channels: Channel[];
  /**
   * Device id → its slot on the main QEMU's PCI bus 0 (a proxied device's is its proxy's). Every
   * device gets an explicit address: left to QEMU, an automatic one could take a slot that a later
   * device asks for explicitly, and QEMU refuses to start ("slot 2 function 0 not available").
   */
  pciSlots: Record<string, number>;
  /** Warnings that stay true for this launch. */
  problems: Problem[];
  /**
   * Main QEMU fds that carry a spare socketpair end, each used up by one restart or hot-add
   * (docs/live.md, "Why spare channels"). Empty on q35, whose root bus takes no hot-plug.
   */
  spares: number[];
  /** The proxy's channel property in this QEMU (`fd`), for a `device_add` while it runs. */
  proxyChannel: string;
}

export type PlanResult = { ok: true; plan: LaunchPlan } | { ok: false; problems: Problem[] };

export interface PlanOptions {
  /** Directory of the run's logs and files; the server makes a fresh 0700 one per run. */
  runDir?: string;
  /**
   * Problem codes the caller measures itself instead: `mpqemu doctor` launches models the
   * catalogue refuses (`proxy.unsupported`) to find out whether this host's QEMU still fails.
   */
  measuring?: readonly string[];
  /** What Start does without jails (a server setting, never the document's). Default `required`. */
  isolation?: IsolationMode;
  /**
   * Process name → its place in the run, for its own uid (jail.ts). A running VM passes those of
   * its live processes, so a hot-added process never gets a uid that one of them has.
   */
  ordinals?: Readonly<Record<string, number>>;
}
