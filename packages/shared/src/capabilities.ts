import type { MeasuredFacts } from './measured.ts';
import type { IsolationMode, JailSupport } from './plan/jail.ts';

/**
 * What the host's QEMU can do. The server probes the real binary; everything else (the CLI's
 * `print`, the UI before the server answers, golden tests) uses the measured QEMU 7.2 defaults.
 */
export interface AccelInfo {
  /** The binary lists it (`-accel help`). */
  present: boolean;
  /** A real short boot succeeded; only then do we call it usable. */
  usable: boolean;
  /** Why it is not usable, in words for the user. */
  reason?: string;
}

export interface Capabilities {
  /** The QEMU binary the plan's argv[0] names. */
  binary: string;
  version: string | null;
  /** `-machine x-remote` exists. */
  remote: boolean;
  /** The channel property of x-pci-proxy-dev / x-remote-object: `fd` on 7.2. */
  proxyChannel: 'fd';
  /** `memory-backend-memfd` exists (needed to share guest RAM with remote processes). */
  memfd: boolean;
  /** `-sandbox` (seccomp) is compiled in. */
  sandbox: boolean;
  machines: readonly string[];
  /** Device models the binary has; null when unknown (then the whole catalogue is assumed). */
  devices: readonly string[] | null;
  accels: { tcg: AccelInfo; kvm: AccelInfo };
  /** Host RAM, to warn about guests larger than the machine; null when unknown. */
  hostMemoryMiB: number | null;
  /**
   * What `mpqemu doctor` measured on this very binary, when it ran here; it beats the catalogue's
   * built-in proxy facts (see proxySupport). Absent on hosts that never ran doctor.
   */
  measured?: MeasuredFacts;
  /** Whether and how this host jails QEMU processes (tried by the probe); absent: the defaults. */
  jail?: JailSupport;
  /**
   * The server's isolation setting, so that every plan made from these capabilities (the UI's
   * Command preview too) has the jails Start will use. Absent: the default, `required`.
   */
  isolation?: IsolationMode;
}

/** The facts measured on Debian 12's QEMU 7.2 (docs/qemu-facts.md, "What the binary has"). */
export const DEFAULT_CAPABILITIES: Capabilities = {
  binary: 'qemu-system-x86_64',
  version: '7.2',
  remote: true,
  proxyChannel: 'fd',
  memfd: true,
  sandbox: true,
  machines: ['pc', 'q35', 'x-remote'],
  devices: null,
  accels: {
    tcg: { present: true, usable: true },
    kvm: { present: false, usable: false, reason: 'not probed' },
  },
  hostMemoryMiB: null,
};

export function hasDeviceModel(caps: Capabilities, model: string): boolean {
  return caps.devices === null || caps.devices.includes(model);
}
