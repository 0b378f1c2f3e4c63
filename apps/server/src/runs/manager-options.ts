/** How a launcher is set up (createRunManager); every limit has a default. */
import type { Capabilities, IsolationMode } from '@mpqemu/shared';
import type { ImageRoots } from '../images/roots.ts';
import type { Limits } from '../store/settings.ts';
import type { Timings } from '../timings.ts';

export interface RunManagerOptions {
  /**
   * The probed capabilities (usually CapabilityService.get); a rejection refuses the start.
   * `kvm` is false for a TCG topology, which must not wait for the KVM boot check.
   */
  capabilities: (needs: { kvm: boolean }) => Promise<Capabilities>;
  /** Runs live in `<dataDir>/runs/<id>` (sockets, logs). */
  dataDir: string;
  /** Image roots added by flag or environment (the library and the samples' folder always count). */
  imageRoots?: readonly string[];
  /** Default: createImageRoots over `dataDir`, `imageRoots` and the saved settings. */
  roots?: ImageRoots;
  /** The limits in force (read at each start). Default: the settings of `dataDir`. */
  limits?: () => Promise<Limits>;
  /** Per process: spawn to QMP answering a query. Default 30 s. */
  readyTimeoutMs?: number;
  /** How long stop() lets the guest power off before `quit`. Default 10 s. */
  stopGraceMs?: number;
  /** After SIGTERM, before SIGKILL. Default 3 s. */
  killGraceMs?: number;
  /** Log ring buffer per process. Default 1 MiB. */
  logBytes?: number;
  /** Serial console backlog. Default 1 MiB. */
  consoleBytes?: number;
  /** Finished runs kept in list() (their run directories too); older ones are forgotten. */
  keepFinished?: number;
  /** What Start does when this host cannot jail QEMU. Default `required`. */
  isolation?: IsolationMode;
  /** Where each start's time goes, step by step (`mpqemu up --timings`, the benchmarks). */
  timings?: Timings;
  /** How long a restart or hot-unplug waits for the guest to release a device. Default 10 s. */
  unplugTimeoutMs?: number;
  /** Between two QMP pings of a device process; a hung one is noticed within two. Default 1 s. */
  livenessIntervalMs?: number;
}
